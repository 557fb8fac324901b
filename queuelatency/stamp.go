package queuelatency

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// Key is the tracestate vendor key that carries the trace's start time.
const Key = "bw"

// valuePrefix starts the value: "t" for the start time, so that the key
// can carry more fields later without breaking older readers.
const valuePrefix = "t:"

// maxNanosDigits is the number of digits of the largest int64.
const maxNanosDigits = 19

// errNoStamp is returned by parseValue for an empty value.
var errNoStamp = errors.New("no stamp")

// formatValue renders start as a tracestate value: "t:" and the Unix time
// in nanoseconds, characters that the W3C value grammar allows.
func formatValue(start time.Time) string {
	return valuePrefix + strconv.FormatInt(start.UnixNano(), 10)
}

// parseValue reads a value that formatValue wrote. It accepts only the
// canonical form, positive and without leading zeros or a sign, so that
// every value it accepts renders back to itself.
func parseValue(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, errNoStamp
	}
	if len(v) <= len(valuePrefix) || v[:len(valuePrefix)] != valuePrefix {
		return time.Time{}, fmt.Errorf("tracestate %s=%q: want %s<unix nanoseconds>", Key, v, valuePrefix)
	}
	digits := v[len(valuePrefix):]
	if len(digits) > maxNanosDigits || digits[0] == '0' {
		return time.Time{}, fmt.Errorf("tracestate %s=%q: %q is not a positive Unix time in nanoseconds", Key, v, digits)
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return time.Time{}, fmt.Errorf("tracestate %s=%q: %q is not a positive Unix time in nanoseconds", Key, v, digits)
		}
	}
	ns, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("tracestate %s=%q: %w", Key, v, err)
	}
	return time.Unix(0, ns), nil
}

// Start returns the trace start time stamped in the tracestate of ctx's
// span context, and whether there is a valid one.
func Start(ctx context.Context) (time.Time, bool) {
	start, err := parseValue(trace.SpanContextFromContext(ctx).TraceState().Get(Key))
	return start, err == nil
}

// startTimer is a span that knows when it started: the OpenTelemetry SDK's
// spans do (sdktrace.ReadOnlySpan).
type startTimer interface {
	StartTime() time.Time
}

// Stamp returns ctx with the trace's start time in its span context's
// tracestate, for a propagator to inject into a message:
//
//	otel.GetTextMapPropagator().Inject(queuelatency.Stamp(ctx), carrier)
//
// A valid stamp already in the tracestate is kept: it was set by the first
// producer of the trace. Otherwise the start is that of the span in ctx
// when it records its start time (the SDK's spans do), else now. Call
// Stamp in the span that starts the trace (or as close to it as the code
// allows) for the latency to count from the start of the trace.
//
// The returned context is for injection: its span is a non-recording one
// with the stamped span context. ctx is returned unchanged when it holds no
// valid span context.
func Stamp(ctx context.Context) context.Context {
	start := time.Now()
	if s, ok := trace.SpanFromContext(ctx).(startTimer); ok && !s.StartTime().IsZero() {
		start = s.StartTime()
	}
	return StampAt(ctx, start)
}

// StampAt is Stamp with the start time given: a producer that knows when
// the trace began (a request's arrival time) passes it. A start at or
// before the Unix epoch is not stamped.
func StampAt(ctx context.Context, start time.Time) context.Context {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return ctx
	}
	if _, ok := Start(ctx); ok || start.UnixNano() <= 0 {
		return ctx
	}
	ts, err := sc.TraceState().Insert(Key, formatValue(start))
	if err != nil {
		// Unreachable: Key and every value formatValue renders for a
		// time after 1970 follow the W3C grammar.
		return ctx
	}
	return trace.ContextWithSpanContext(ctx, sc.WithTraceState(ts))
}
