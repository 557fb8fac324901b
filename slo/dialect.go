package slo

import (
	"strings"
	"time"
)

// Dialect names a producer of span metrics. Producers differ in metric
// names, the histogram's unit, label names and the exemplar's trace-id label.
type Dialect string

// The span-metrics dialects burnwatch knows.
const (
	// DialectOTel is the OpenTelemetry Collector's spanmetrics connector with
	// its default millisecond histogram.
	DialectOTel Dialect = "otel"
	// DialectOTelSeconds is the spanmetrics connector configured with unit: s.
	DialectOTelSeconds Dialect = "otel-seconds"
	// DialectOTelLegacy is the spanmetrics connector before v0.109, whose
	// metrics had no traces_span_metrics_ prefix.
	DialectOTelLegacy Dialect = "otel-legacy"
	// DialectTempo is Grafana Tempo's metrics-generator.
	DialectTempo Dialect = "tempo"
	// DialectGeneric is any other Prometheus histogram or counter; the unit
	// comes from the metric name or the spec.
	DialectGeneric Dialect = "generic"
)

// DialectInfo describes a dialect's metrics.
type DialectInfo struct {
	// Histogram is the latency histogram's base name (no _bucket suffix).
	Histogram string
	// Calls is the calls counter.
	Calls string
	// Unit is the histogram's unit: time.Millisecond or time.Second.
	Unit time.Duration
	// ServiceLabel is the label that holds the service name.
	ServiceLabel string
	// TraceIDLabels are the exemplar labels that carry the trace id.
	TraceIDLabels []string
	// UnsetStatusUnlabelled is set when a span whose status is unset can
	// have no status label at all: the Collector under its feature gate
	// spanmetrics.statusCodeConvention.useOtelPrefix labels only ok and
	// failed spans (otel_status_code), so a service that never sets a
	// status has neither status_code nor otel_status_code.
	UnsetStatusUnlabelled bool
}

var dialects = map[Dialect]DialectInfo{
	DialectOTel: {
		Histogram: "traces_span_metrics_duration_milliseconds", Calls: "traces_span_metrics_calls_total",
		Unit: time.Millisecond, ServiceLabel: "service_name", TraceIDLabels: []string{"trace_id"}, UnsetStatusUnlabelled: true,
	},
	DialectOTelSeconds: {
		Histogram: "traces_span_metrics_duration_seconds", Calls: "traces_span_metrics_calls_total",
		Unit: time.Second, ServiceLabel: "service_name", TraceIDLabels: []string{"trace_id"}, UnsetStatusUnlabelled: true,
	},
	DialectOTelLegacy: {
		Histogram: "duration_milliseconds", Calls: "calls_total",
		Unit: time.Millisecond, ServiceLabel: "service_name", TraceIDLabels: []string{"trace_id"}, UnsetStatusUnlabelled: true,
	},
	DialectTempo: {
		Histogram: "traces_spanmetrics_latency", Calls: "traces_spanmetrics_calls_total",
		Unit: time.Second, ServiceLabel: "service", TraceIDLabels: []string{"traceID"},
	},
}

// DefaultTraceIDLabels are the exemplar labels tried when neither the spec
// nor the dialect says which one carries the trace id.
var DefaultTraceIDLabels = []string{"trace_id", "traceID"}

// Info returns what is known of the dialect; the generic dialect has no
// fixed names.
func (d Dialect) Info() (DialectInfo, bool) {
	info, ok := dialects[d]
	return info, ok
}

// Names vary with how metrics reach Prometheus: the Prometheus exporter
// and Prometheus 3's OTLP endpoint can leave out the _total and unit
// suffixes (traces_span_metrics_calls, traces_span_metrics_duration_bucket),
// or keep the dots of the OpenTelemetry name (traces.span.metrics.calls).
// Dialect detection sees through both; a histogram whose name lost its unit
// needs the unit from the spec.

// canonicalName is a metric name with the dots of a UTF-8 name turned into
// underscores, as classic translation does.
func canonicalName(name string) string { return strings.ReplaceAll(name, ".", "_") }

// detectHistogramDialect names the dialect of a histogram from its base
// name, and the unit of its buckets; unit is zero when the name does not say.
func detectHistogramDialect(base string) (Dialect, time.Duration) {
	name := canonicalName(base)
	for _, d := range []Dialect{DialectOTel, DialectOTelSeconds, DialectOTelLegacy, DialectTempo} {
		info := dialects[d]
		if info.Histogram == name {
			return d, info.Unit
		}
	}
	for _, d := range []Dialect{DialectOTel, DialectOTelLegacy, DialectTempo} {
		if strings.TrimSuffix(dialects[d].Histogram, "_milliseconds") == name {
			return d, 0 // the unit suffix was dropped: ms or s, the spec says
		}
	}
	return DialectGeneric, unitFromName(name)
}

// detectCallsDialect names the dialect of a calls counter.
func detectCallsDialect(name string) Dialect {
	name = canonicalName(name)
	for _, d := range []Dialect{DialectOTel, DialectOTelLegacy, DialectTempo} {
		if calls := dialects[d].Calls; calls == name || strings.TrimSuffix(calls, "_total") == name {
			return d
		}
	}
	return DialectGeneric
}

func unitFromName(base string) time.Duration {
	switch {
	case strings.HasSuffix(base, "_milliseconds"), strings.HasSuffix(base, "_ms"):
		return time.Millisecond
	case strings.HasSuffix(base, "_seconds"):
		return time.Second
	}
	return 0
}
