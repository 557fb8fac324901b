package daemon

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/secret"
	"github.com/burnwatch/burnwatch/prom"
)

// TestTheDaemonsQuerierPassesRawReadsOn checks that the querier the daemon
// hands the evaluator reads raw samples when the engine behind it can, so
// that the short windows are not queried with increase() every cycle, and
// says it cannot when the engine cannot.
func TestTheDaemonsQuerierPassesRawReadsOn(t *testing.T) {
	e, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	at := time.Now().Truncate(time.Minute)
	if err := e.Load(context.Background(), at.Add(-10*time.Minute), time.Minute, `calls_total{service_name="checkout"} 0+5x10`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	var q Querier = redactingQuerier{q: e, r: secret.NewRedactor()}
	raw, ok := q.(burnrate.RawQuerier)
	if !ok {
		t.Fatal("the daemon's querier is not a burnrate.RawQuerier")
	}
	if _, err := raw.RangeRules(ctx); err != nil {
		t.Fatalf("range rules of the embedded engine: %v", err)
	}
	m, err := raw.QuerySamples(ctx, `calls_total{service_name="checkout"}`, 5*time.Minute, at)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 1 || len(m[0].Values) < 4 {
		t.Fatalf("raw read of 5 minutes at one sample a minute = %v, want one series with at least 4 samples", m)
	}

	hidden := redactingQuerier{q: struct{ Querier }{e}, r: secret.NewRedactor()}
	if _, err := hidden.RangeRules(ctx); err == nil {
		t.Error("range rules through a querier that reads no raw samples: no error, want one so the evaluator queries increase()")
	}
	if _, err := hidden.QuerySamples(ctx, `calls_total`, time.Minute, at); err == nil {
		t.Error("raw read through a querier that reads no raw samples: no error")
	}
}
