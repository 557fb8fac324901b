package demo

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/propagation"
	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/burnwatch/burnwatch/queuelatency"
)

// The order queue between checkout and order-consumer is measured the way
// specs/queue.yaml asks: checkout stamps the trace's start time in the
// message's tracestate (queuelatency.Stamp) and order-consumer starts its
// "process order" span at that time (queuelatency.StartConsumer), so the
// span's duration is the message's latency from the start of its trace,
// queue wait included. The demo sends each sampled message's headers
// through the same calls a real producer and consumer make.

// queuePropagator writes and reads the message headers, as a W3C Trace
// Context propagator does on a real queue.
var queuePropagator = propagation.TraceContext{}

// orderMessage is the headers of the order.created message that checkout
// publishes in the trace id at start.
func orderMessage(id string, start time.Time) propagation.MapCarrier {
	headers := propagation.MapCarrier{}
	tid, err := oteltrace.TraceIDFromHex(id)
	if err != nil {
		return headers // a message without a trace: consumed from now
	}
	sid, err := oteltrace.SpanIDFromHex(spanID(id, -1))
	if err != nil {
		return headers
	}
	ctx := oteltrace.ContextWithSpanContext(context.Background(), oteltrace.NewSpanContext(oteltrace.SpanContextConfig{
		TraceID: tid, SpanID: sid, TraceFlags: oteltrace.FlagsSampled,
	}))
	queuePropagator.Inject(queuelatency.StampAt(ctx, start), headers)
	return headers
}

// processStart is when order-consumer's "process order" span starts for a
// message: the start of the trace that the message carries, or fallback if
// it carries none. A live consumer calls queuelatency.StartConsumer, which
// reads the same stamp against the wall clock; the demo runs on simulated
// time, so it reads the stamp with queuelatency.Start.
func processStart(headers propagation.MapCarrier, fallback time.Time) time.Time {
	if start, ok := queuelatency.Start(queuePropagator.Extract(context.Background(), headers)); ok {
		return start
	}
	return fallback
}
