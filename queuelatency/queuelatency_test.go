package queuelatency_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/burnwatch/burnwatch/queuelatency"
)

// pipeline is an instrumented system of services that pass messages over
// queues, recording every span it ends.
type pipeline struct {
	recorder *tracetest.SpanRecorder
	tracer   trace.Tracer
	prop     propagation.TextMapPropagator
}

func newPipeline(t *testing.T) *pipeline {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return &pipeline{recorder: rec, tracer: tp.Tracer("queuelatency_test"), prop: propagation.TraceContext{}}
}

// publish is a producer: it stamps ctx's trace and injects it into a
// message's headers.
func (p *pipeline) publish(ctx context.Context) propagation.MapCarrier {
	msg := propagation.MapCarrier{}
	p.prop.Inject(queuelatency.Stamp(ctx), msg)
	return msg
}

// consume is a consumer: it extracts the message's trace context and
// processes it in a consumer span that ends at end.
func (p *pipeline) consume(msg propagation.MapCarrier, name string, end time.Time) (context.Context, trace.Span) {
	ctx, span := queuelatency.StartConsumer(p.prop.Extract(context.Background(), msg), p.tracer, name)
	span.End(trace.WithTimestamp(end))
	return ctx, span
}

// ended returns the recorded span named name.
func (p *pipeline) ended(t *testing.T, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	for _, s := range p.recorder.Ended() {
		if s.Name() == name {
			return s
		}
	}
	t.Fatalf("no span %q was ended", name)
	return nil
}

var rootStart = time.Date(2026, 11, 29, 12, 0, 0, 123456789, time.UTC)

func TestAConsumerSpanStartsWhenTheTraceStarted(t *testing.T) {
	p := newPipeline(t)
	ctx, root := p.tracer.Start(context.Background(), "POST /orders",
		trace.WithSpanKind(trace.SpanKindServer), trace.WithTimestamp(rootStart))
	msg := p.publish(ctx)
	root.End(trace.WithTimestamp(rootStart.Add(30 * time.Millisecond)))

	processed := rootStart.Add(1500 * time.Millisecond)
	p.consume(msg, "process order", processed)

	got := p.ended(t, "process order")
	if !got.StartTime().Equal(rootStart) {
		t.Errorf("consumer span starts at %s, want the trace's start %s", got.StartTime(), rootStart)
	}
	if d := got.EndTime().Sub(got.StartTime()); d != 1500*time.Millisecond {
		t.Errorf("consumer span lasts %s, want the end-to-end latency 1.5s", d)
	}
	if got.SpanKind() != trace.SpanKindConsumer {
		t.Errorf("consumer span kind %s, want consumer", got.SpanKind())
	}
	if got.SpanContext().TraceID() != root.SpanContext().TraceID() {
		t.Error("consumer span is not in the producer's trace")
	}
	if got.Parent().SpanID() != root.SpanContext().SpanID() {
		t.Error("consumer span's parent is not the producer's span")
	}
}

func TestTheFirstStampCrossesEveryHop(t *testing.T) {
	p := newPipeline(t)
	ctx, root := p.tracer.Start(context.Background(), "POST /orders", trace.WithTimestamp(rootStart))
	first := p.publish(ctx)
	root.End(trace.WithTimestamp(rootStart.Add(10 * time.Millisecond)))

	// The first consumer processes the message, then publishes to the
	// next queue, a second after the trace began.
	hop, span := queuelatency.StartConsumer(p.prop.Extract(context.Background(), first), p.tracer, "enrich order")
	second := p.publish(hop)
	span.End(trace.WithTimestamp(rootStart.Add(time.Second)))

	p.consume(second, "ship order", rootStart.Add(2500*time.Millisecond))

	for _, name := range []string{"enrich order", "ship order"} {
		if got := p.ended(t, name).StartTime(); !got.Equal(rootStart) {
			t.Errorf("%s starts at %s, want the trace's start %s", name, got, rootStart)
		}
	}
	if got, want := second.Get("tracestate"), first.Get("tracestate"); got != want {
		t.Errorf("second hop's tracestate %q, want the first's %q", got, want)
	}
}

func TestStampKeepsAnUpstreamStampAndOtherVendors(t *testing.T) {
	upstream := rootStart.Add(-time.Minute)
	ts, err := trace.ParseTraceState("bw=t:" + strconv.FormatInt(upstream.UnixNano(), 10) + ",congo=t61rcWkgMzE")
	if err != nil {
		t.Fatal(err)
	}
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled, TraceState: ts,
	}))
	stamped := queuelatency.StampAt(ctx, rootStart)
	if got, ok := queuelatency.Start(stamped); !ok || !got.Equal(upstream) {
		t.Errorf("Start = %s, %v; want the upstream stamp %s", got, ok, upstream)
	}
	if got := trace.SpanContextFromContext(stamped).TraceState().Get("congo"); got != "t61rcWkgMzE" {
		t.Errorf("another vendor's entry became %q", got)
	}
}

func TestAMessageWithoutAValidStampIsMeasuredFromNow(t *testing.T) {
	future := time.Now().Add(time.Hour)
	for _, tc := range []struct {
		name, tracestate string
	}{
		{"no tracestate", ""},
		{"another vendor only", "congo=t61rcWkgMzE"},
		{"a value without the t: prefix", "bw=1764417600000000000"},
		{"a value that is not a number", "bw=t:soon"},
		{"a negative time", "bw=t:-5"},
		{"a leading zero", "bw=t:01764417600000000000"},
		{"a time past int64", "bw=t:9999999999999999999"},
		{"a stamp in the future, from a skewed clock", "bw=t:" + strconv.FormatInt(future.UnixNano(), 10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPipeline(t)
			msg := propagation.MapCarrier{
				"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
				"tracestate":  tc.tracestate,
			}
			before := time.Now()
			_, span := queuelatency.StartConsumer(p.prop.Extract(context.Background(), msg), p.tracer, "process order")
			span.End()
			after := time.Now()
			got := p.ended(t, "process order").StartTime()
			if got.Before(before) || got.After(after) {
				t.Errorf("consumer span starts at %s, want now (between %s and %s)", got, before, after)
			}
		})
	}
}

func TestStampNeedsATrace(t *testing.T) {
	ctx := context.Background()
	if got := queuelatency.Stamp(ctx); got != ctx {
		t.Error("Stamp changed a context without a span context")
	}
	if _, ok := queuelatency.Start(ctx); ok {
		t.Error("Start found a stamp in a context without a span context")
	}
}

func TestStampWithoutARecordingSpanUsesNow(t *testing.T) {
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2},
	}))
	before := time.Now()
	got, ok := queuelatency.Start(queuelatency.Stamp(ctx))
	if !ok || got.Before(before) || got.After(time.Now()) {
		t.Errorf("Start = %s, %v; want now", got, ok)
	}
}
