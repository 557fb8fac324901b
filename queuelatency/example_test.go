package queuelatency_test

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/burnwatch/burnwatch/queuelatency"
)

// An order is accepted over HTTP at 12:00:00 and published to a queue; a
// consumer processes it and ends at 12:00:01.8. The consumer span starts
// when the trace did, so the spanmetrics connector records 1.8s for
// "process order": the end-to-end latency that an SLO such as "orders are
// processed within 2s" measures.
func Example() {
	recorder := tracetest.NewSpanRecorder()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder))
	tracer := provider.Tracer("orders")
	prop := propagation.TraceContext{}
	accepted := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

	// Producer: the HTTP handler that starts the trace publishes the order
	// with the trace context in the message's headers.
	ctx, span := tracer.Start(context.Background(), "POST /orders",
		trace.WithSpanKind(trace.SpanKindServer), trace.WithTimestamp(accepted))
	headers := propagation.MapCarrier{}
	prop.Inject(queuelatency.Stamp(ctx), headers)
	span.End(trace.WithTimestamp(accepted.Add(20 * time.Millisecond)))
	fmt.Println("tracestate:", headers.Get("tracestate"))

	// Consumer: process the message in a span that starts with the trace.
	msgCtx := prop.Extract(context.Background(), headers)
	_, process := queuelatency.StartConsumer(msgCtx, tracer, "process order")
	process.End(trace.WithTimestamp(accepted.Add(1800 * time.Millisecond)))

	for _, s := range recorder.Ended() {
		fmt.Printf("%s %s: %s\n", s.SpanKind(), s.Name(), s.EndTime().Sub(s.StartTime()))
	}
	// Output:
	// tracestate: bw=t:1795953600000000000
	// server POST /orders: 20ms
	// consumer process order: 1.8s
}
