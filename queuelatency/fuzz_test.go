package queuelatency

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"
)

// FuzzParseValue checks that any tracestate value is either refused or
// read as a time that renders back to the same value.
func FuzzParseValue(f *testing.F) {
	for _, seed := range []string{"t:1764417600123456789", "t:", "t:0", "t:-1", "t:+1", "t:9223372036854775807",
		"t:9223372036854775808", "1764417600", "t:1e9", "t:１２"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		start, err := parseValue(v)
		if err != nil {
			return
		}
		if start.UnixNano() <= 0 {
			t.Errorf("parseValue(%q) = %s, not after the epoch", v, start)
		}
		if got := formatValue(start); got != v {
			t.Errorf("parseValue(%q) renders back as %q", v, got)
		}
	})
}

// FuzzStart checks that a message's tracestate header, whatever it holds,
// gives either no stamp or a stamp that survives another hop unchanged.
func FuzzStart(f *testing.F) {
	for _, seed := range []string{"bw=t:1764417600123456789", "congo=t61rcWkgMzE,bw=t:1", "bw=t:x", "bw=", ",,,", "bw=t:1,bw=t:2"} {
		f.Add(seed)
	}
	prop := propagation.TraceContext{}
	f.Fuzz(func(t *testing.T, tracestate string) {
		ctx := prop.Extract(context.Background(), propagation.MapCarrier{
			"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
			"tracestate":  tracestate,
		})
		start, ok := Start(ctx)
		stamped := StampAt(ctx, time.Unix(1, 0))
		again, okAgain := Start(stamped)
		if ok && (!okAgain || !again.Equal(start)) {
			t.Errorf("tracestate %q: stamp %s became %s, %v after another hop", tracestate, start, again, okAgain)
		}
		if !ok && (!okAgain || !again.Equal(time.Unix(1, 0))) {
			t.Errorf("tracestate %q: no stamp, and StampAt gave %s, %v", tracestate, again, okAgain)
		}
	})
}
