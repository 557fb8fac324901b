package collector_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/burnwatch/burnwatch/queuelatency"
)

// Queue waits the queue generator gives its messages: a normal wait keeps
// the end-to-end latency well under 2s, a backlog's well over it, while the
// processing itself stays fast either way.
const (
	queueWaitMax    = 200 * time.Millisecond
	backlogWait     = 2500 * time.Millisecond
	processDuration = 50 * time.Millisecond
)

// queueGenerator is a producer service that accepts orders over HTTP and
// publishes them to a queue, and a consumer service that processes them,
// instrumented with queuelatency: the consumer span starts with the trace,
// so the Collector's histogram of it is the end-to-end latency. Its mix's
// Slow share is the share of messages stuck in a backlog; the consumer
// span alone would show nothing wrong.
type queueGenerator struct {
	producer, consumer trace.Tracer
	prop               propagation.TextMapPropagator

	mu       sync.Mutex
	mix      mix
	outcomes map[string]outcome
}

func newQueueGenerator(t *testing.T, otlp string) *queueGenerator {
	t.Helper()
	return &queueGenerator{
		producer: newGenerator(t, otlp, "orders", "POST /orders").tracer,
		consumer: newGenerator(t, otlp, "order-consumer", "process order").tracer,
		prop:     propagation.TraceContext{},
		outcomes: map[string]outcome{},
	}
}

func (g *queueGenerator) setMix(m mix) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.mix = m
}

func (g *queueGenerator) run(ctx context.Context, tick time.Duration, perTick int) {
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			for range perTick {
				g.message()
			}
		}
	}
}

// message records one order: accepted, published, waited in the queue and
// processed, ending now. The spans are given their times so that a
// backlog costs the test no waiting.
func (g *queueGenerator) message() {
	g.mu.Lock()
	m := g.mix
	g.mu.Unlock()

	wait := rand.N(queueWaitMax)
	backlog := rand.Float64() < m.Slow
	if backlog {
		wait = backlogWait
	}
	end := time.Now()
	accepted := end.Add(-processDuration - wait - 10*time.Millisecond)

	ctx, accept := g.producer.Start(context.Background(), "POST /orders",
		trace.WithSpanKind(trace.SpanKindServer), trace.WithTimestamp(accepted))
	headers := propagation.MapCarrier{}
	g.prop.Inject(queuelatency.Stamp(ctx), headers)
	accept.End(trace.WithTimestamp(accepted.Add(10 * time.Millisecond)))

	_, process := queuelatency.StartConsumer(g.prop.Extract(context.Background(), headers), g.consumer, "process order")
	process.End(trace.WithTimestamp(end))

	latency := end.Sub(accepted)
	g.mu.Lock()
	g.outcomes[accept.SpanContext().TraceID().String()] = outcome{Slow: latency > 2*time.Second, Duration: latency}
	g.mu.Unlock()
}

func (g *queueGenerator) outcomeOf(id string) (outcome, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o, ok := g.outcomes[id]
	return o, ok
}
