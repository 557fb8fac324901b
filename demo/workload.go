package demo

import (
	"github.com/burnwatch/burnwatch/slo"
)

// workload is one span of one service as a span-metrics producer counts it:
// its labels, its traffic and how long its requests take. Traffic is
// constant and the shares of slow and failed requests follow the script,
// so every count is an exact expectation, not a random draw.
type workload struct {
	// name is what the script calls the workload.
	name    string
	dialect slo.Dialect
	// service, span and kind are the span's labels.
	service, span, kind string
	// rate is requests per second.
	rate float64
	// slow and failed are the shares of slow and failed requests outside
	// the script's episodes.
	slow, failed float64
	// fast, slowBand and failBand are the durations of typical, slow and
	// failed requests. Slow requests are the ones over the SLO's threshold.
	fast, slowBand, failBand latency
	// buckets are the histogram's upper bounds in its unit, without +Inf;
	// nil means the producer counts calls only.
	buckets []float64
	// trace draws the synthetic trace behind an exemplar; nil means no
	// exemplars.
	trace traceShape
}

// Status codes of the spanmetrics labels: a span that did not fail keeps
// OpenTelemetry's default status.
const (
	statusUnset = "STATUS_CODE_UNSET"
	statusError = "STATUS_CODE_ERROR"
)

// collectorBuckets are the spanmetrics connector's explicit buckets in
// milliseconds, configured with a 2000 ms boundary for the 2 s SLOs.
var collectorBuckets = []float64{5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10000}

// tempoBuckets are Tempo's default buckets in seconds with 2.048 replaced by
// 2, as specs/queue.yaml says the metrics-generator is configured.
var tempoBuckets = []float64{0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2, 4.096, 8.192, 16.384}

// Workload names, as the script refers to them.
const (
	checkout      = "checkout"
	payments      = "payments"
	orderConsumer = "order-consumer"
	search        = "search"
)

// workloads are the spans behind every SLO in specs/: the selectors of
// specs/checkout.yaml, payments.yaml, queue.yaml and search-sloth.yml match
// them.
func workloads() []*workload {
	return []*workload{
		{
			// Every checkout authorises the card once: payments Authorize is
			// a child span of POST /checkout and carries its latency.
			name: checkout, dialect: slo.DialectOTel,
			service: "checkout", span: "POST /checkout", kind: "SPAN_KIND_SERVER",
			rate: 20, slow: 0.00008, failed: 0.00005,
			fast:     latency{{0.07, 0}, {0.12, 0.45}, {0.2, 0.8}, {0.4, 0.97}, {0.9, 0.997}, {1.6, 1}},
			slowBand: uniform(2.5, 4), failBand: uniform(0.06, 0.3),
			buckets: collectorBuckets, trace: checkoutTrace,
		},
		{
			name: payments, dialect: slo.DialectOTel,
			service: "payments", span: "Authorize", kind: "SPAN_KIND_SERVER",
			rate: 20, slow: 0.00008, failed: 0.0001,
			fast:     latency{{0.02, 0}, {0.05, 0.5}, {0.1, 0.9}, {0.3, 0.99}, {1.2, 1}},
			slowBand: uniform(2.4, 3.9), failBand: uniform(0.03, 0.2),
			buckets: collectorBuckets, trace: authorizeTrace,
		},
		{
			name: orderConsumer, dialect: slo.DialectTempo,
			service: "order-consumer", span: "process order", kind: "SPAN_KIND_CONSUMER",
			rate: 5, slow: 0.00005,
			fast:     latency{{0.03, 0}, {0.08, 0.5}, {0.2, 0.9}, {0.6, 0.99}, {1.5, 1}},
			slowBand: uniform(2.2, 6), failBand: uniform(0.03, 0.3),
			buckets: tempoBuckets, trace: consumerTrace,
		},
		{
			// The search team counts calls only (specs/search-sloth.yml
			// is an events SLI over the calls counter).
			name: search, dialect: slo.DialectOTel,
			service: "search", span: "GET /search", kind: "SPAN_KIND_SERVER",
			rate: 30, failed: 0.0005,
		},
	}
}

// info returns the metric and label names of the workload's producer.
func (w *workload) info() slo.DialectInfo {
	info, _ := w.dialect.Info()
	return info
}

// unit is the histogram's unit in seconds.
func (w *workload) unit() float64 { return w.info().Unit.Seconds() }
