// Package collector holds burnwatch's end-to-end test on the real stack:
// an OpenTelemetry Collector built from Go modules (OTLP receiver,
// spanmetrics connector with exemplars, Prometheus exporter with
// OpenMetrics) fed by the OpenTelemetry Go SDK, a real Prometheus with
// exemplar storage scraping it, and the burnwatch daemon paging a webhook.
//
// It is a module of its own so that the Collector's dependencies stay out of
// burnwatch's go.mod; the Collector itself is the module in otelcol/, built
// once per test run. The tests skip unless BURNWATCH_E2E=1 (`make e2e`).
package collector
