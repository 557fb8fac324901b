package queuelatency

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// StartConsumer starts a SPAN_KIND_CONSUMER span named name as a child of
// ctx, the context extracted from a message, that starts at the trace's
// stamped start time: its duration, once ended, is the end-to-end latency
// of the message. Without a valid stamp the span starts now. opts are
// applied first; the kind and the start time are set by StartConsumer.
//
// The span's metrics are the SLO's: with the spanmetrics connector, a spec
// selects span_name=name and span_kind="SPAN_KIND_CONSUMER".
func StartConsumer(ctx context.Context, tracer trace.Tracer, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	start := time.Now()
	if stamped, ok := Start(ctx); ok && stamped.Before(start) {
		start = stamped
	}
	opts = append(opts, trace.WithSpanKind(trace.SpanKindConsumer), trace.WithTimestamp(start))
	return tracer.Start(ctx, name, opts...)
}
