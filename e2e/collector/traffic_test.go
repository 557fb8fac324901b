package collector_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// outcome is what the generator made of one trace.
type outcome struct {
	Slow   bool
	Failed bool
	// Duration is the root span's duration.
	Duration time.Duration
}

// mix is the share of a service's requests that are slow and that fail;
// the rest are fast and succeed.
type mix struct {
	Slow, Failed float64
}

// Durations the generator gives its spans: fast ones are well under every
// threshold, slow ones well over a 2s threshold and under the next bucket.
const (
	fastMin  = 20 * time.Millisecond
	fastMax  = 400 * time.Millisecond
	slowTime = 3 * time.Second
)

// generator sends server spans of one service to a Collector through the
// OpenTelemetry Go SDK, and records what each trace was.
type generator struct {
	service, span string
	provider      *sdktrace.TracerProvider
	tracer        trace.Tracer

	mu       sync.Mutex
	mix      mix
	outcomes map[string]outcome
}

// newGenerator connects a tracer provider for service to the Collector's
// OTLP gRPC receiver.
func newGenerator(t *testing.T, otlp, service, span string) *generator {
	t.Helper()
	exp, err := otlptracegrpc.New(context.Background(),
		otlptracegrpc.WithEndpoint(otlp), otlptracegrpc.WithInsecure())
	if err != nil {
		t.Fatalf("otlp exporter to %s: %v", otlp, err)
	}
	provider := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(200*time.Millisecond)),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", service))),
	)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = provider.Shutdown(ctx)
	})
	return &generator{
		service: service, span: span, provider: provider,
		tracer:   provider.Tracer("github.com/burnwatch/burnwatch/e2e/collector"),
		outcomes: map[string]outcome{},
	}
}

// setMix changes the share of slow and failed requests from now on.
func (g *generator) setMix(m mix) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.mix = m
}

// run sends perTick requests every tick until ctx ends. Each request is a
// server span that ends now and started its duration ago, so a slow
// request costs the test no waiting.
func (g *generator) run(ctx context.Context, tick time.Duration, perTick int) {
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			for range perTick {
				g.request()
			}
		}
	}
}

// request records one request span and its outcome.
func (g *generator) request() {
	g.mu.Lock()
	m := g.mix
	g.mu.Unlock()

	o := outcome{Duration: fastMin + rand.N(fastMax-fastMin)}
	switch r := rand.Float64(); {
	case r < m.Slow:
		o.Slow, o.Duration = true, slowTime
	case r < m.Slow+m.Failed:
		o.Failed = true
	}
	end := time.Now()
	_, span := g.tracer.Start(context.Background(), g.span,
		trace.WithSpanKind(trace.SpanKindServer), trace.WithTimestamp(end.Add(-o.Duration)))
	if o.Failed {
		span.SetStatus(codes.Error, "upstream refused the request")
	}
	id := span.SpanContext().TraceID().String()
	g.mu.Lock()
	g.outcomes[id] = o
	g.mu.Unlock()
	span.End(trace.WithTimestamp(end))
}

// outcomeOf returns what the trace id was, and whether the generator made it.
func (g *generator) outcomeOf(id string) (outcome, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o, ok := g.outcomes[id]
	return o, ok
}
