package slo_test

import (
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// loadOne loads a single native SLO from YAML text, failing on any problem.
func loadOne(t *testing.T, text string) *slo.SLO {
	t.Helper()
	set, diags := slo.LoadBytes("spec.yaml", []byte(text))
	if len(diags) > 0 {
		t.Fatalf("load: %v", diags)
	}
	if len(set.SLOs) != 1 {
		t.Fatalf("got %d SLOs, want 1", len(set.SLOs))
	}
	return set.SLOs[0]
}

func nativeSpec(sli string) string {
	return "version: burnwatch/v1\nteam: t\nslos:\n  - name: s\n    service: svc\n    objective: 99.9\n    sli:\n" + sli
}

func TestGeneratedPromQLIsWhatAPersonWouldWrite(t *testing.T) {
	tests := []struct {
		name        string
		sli         string
		wantDialect slo.Dialect
		wantBad     string
		wantTotal   string
	}{
		{
			name: "the collector's millisecond histogram converts 2s to the 2000 bucket",
			sli: `      latency:
        metric: traces_span_metrics_duration_milliseconds_bucket{service_name="checkout", span_name="POST /checkout"}
        threshold: 2s
`,
			wantDialect: slo.DialectOTel,
			wantTotal:   `sum(increase(traces_span_metrics_duration_milliseconds_count{service_name="checkout", span_name="POST /checkout"}[5m]))`,
			wantBad: `sum(increase(traces_span_metrics_duration_milliseconds_count{service_name="checkout", span_name="POST /checkout"}[5m]))` +
				` - sum(increase(traces_span_metrics_duration_milliseconds_bucket{service_name="checkout", span_name="POST /checkout", le=~"2000|2000\\.0"}[5m]))`,
		},
		{
			name: "the collector's seconds histogram keeps 250ms as 0.25",
			sli: `      latency:
        metric: traces_span_metrics_duration_seconds{service_name="cart"}
        threshold: 250ms
`,
			wantDialect: slo.DialectOTelSeconds,
			wantTotal:   `sum(increase(traces_span_metrics_duration_seconds_count{service_name="cart"}[5m]))`,
			wantBad: `sum(increase(traces_span_metrics_duration_seconds_count{service_name="cart"}[5m]))` +
				` - sum(increase(traces_span_metrics_duration_seconds_bucket{service_name="cart", le="0.25"}[5m]))`,
		},
		{
			name: "collectors before v0.109 have no prefix",
			sli: `      latency:
        metric: duration_milliseconds_bucket{service_name="cart"}
        threshold: 500ms
`,
			wantDialect: slo.DialectOTelLegacy,
			wantTotal:   `sum(increase(duration_milliseconds_count{service_name="cart"}[5m]))`,
			wantBad: `sum(increase(duration_milliseconds_count{service_name="cart"}[5m]))` +
				` - sum(increase(duration_milliseconds_bucket{service_name="cart", le=~"500|500\\.0"}[5m]))`,
		},
		{
			name: "tempo's metrics-generator histogram is in seconds",
			sli: `      latency:
        metric: traces_spanmetrics_latency_bucket{service="order-consumer"}
        threshold: 2s
`,
			wantDialect: slo.DialectTempo,
			wantTotal:   `sum(increase(traces_spanmetrics_latency_count{service="order-consumer"}[5m]))`,
			wantBad: `sum(increase(traces_spanmetrics_latency_count{service="order-consumer"}[5m]))` +
				` - sum(increase(traces_spanmetrics_latency_bucket{service="order-consumer", le=~"2|2\\.0"}[5m]))`,
		},
		{
			name: "an errors SLI counts STATUS_CODE_ERROR and otel_status_code ERROR calls as bad by default",
			sli: `      errors:
        metric: traces_span_metrics_calls_total{service_name="payments"}
`,
			wantDialect: slo.DialectOTel,
			wantTotal:   `sum(increase(traces_span_metrics_calls_total{service_name="payments"}[5m]))`,
			wantBad: `sum(increase(traces_span_metrics_calls_total{service_name="payments", status_code="STATUS_CODE_ERROR"}[5m])` +
				` or increase(traces_span_metrics_calls_total{service_name="payments", otel_status_code="ERROR", status_code!="STATUS_CODE_ERROR"}[5m]))`,
		},
		{
			name: "an errors SLI takes its own error matcher",
			sli: `      errors:
        metric: traces_spanmetrics_calls_total{service="payments"}
        error_matcher: status_code=~"STATUS_CODE_ERROR|STATUS_CODE_UNSET"
`,
			wantDialect: slo.DialectTempo,
			wantTotal:   `sum(increase(traces_spanmetrics_calls_total{service="payments"}[5m]))`,
			wantBad:     `sum(increase(traces_spanmetrics_calls_total{service="payments", status_code=~"STATUS_CODE_ERROR|STATUS_CODE_UNSET"}[5m]))`,
		},
		{
			name: "a calls counter without _total (exporter without suffixes) is the Collector's",
			sli: `      errors:
        metric: traces_span_metrics_calls{service_name="payments"}
`,
			wantDialect: slo.DialectOTel,
			wantTotal:   `sum(increase(traces_span_metrics_calls{service_name="payments"}[5m]))`,
			wantBad: `sum(increase(traces_span_metrics_calls{service_name="payments", status_code="STATUS_CODE_ERROR"}[5m])` +
				` or increase(traces_span_metrics_calls{service_name="payments", otel_status_code="ERROR", status_code!="STATUS_CODE_ERROR"}[5m]))`,
		},
		{
			name: "a histogram without unit suffix takes the spec's unit",
			sli: `      latency:
        metric: traces_span_metrics_duration_bucket{service_name="checkout"}
        threshold: 2s
        unit: ms
`,
			wantDialect: slo.DialectOTel,
			wantTotal:   `sum(increase(traces_span_metrics_duration_count{service_name="checkout"}[5m]))`,
			wantBad: `sum(increase(traces_span_metrics_duration_count{service_name="checkout"}[5m]))` +
				` - sum(increase(traces_span_metrics_duration_bucket{service_name="checkout", le=~"2000|2000\\.0"}[5m]))`,
		},
		{
			name: "UTF-8 names keep their dots in quoted selectors",
			sli: `      errors:
        metric: '{"traces.span.metrics.calls", "service.name"="payments"}'
`,
			wantDialect: slo.DialectOTel,
			wantTotal:   `sum(increase({"traces.span.metrics.calls", "service.name"="payments"}[5m]))`,
			wantBad: `sum(increase({"traces.span.metrics.calls", "service.name"="payments", status_code="STATUS_CODE_ERROR"}[5m])` +
				` or increase({"traces.span.metrics.calls", "service.name"="payments", otel_status_code="ERROR", status_code!="STATUS_CODE_ERROR"}[5m]))`,
		},
		{
			name: "a UTF-8 histogram with suffixes is the Collector's in ms",
			sli: `      latency:
        metric: '{"traces.span.metrics.duration_milliseconds_bucket", service_name="checkout"}'
        threshold: 2s
`,
			wantDialect: slo.DialectOTel,
			wantTotal:   `sum(increase({"traces.span.metrics.duration_milliseconds_count", service_name="checkout"}[5m]))`,
			wantBad: `sum(increase({"traces.span.metrics.duration_milliseconds_count", service_name="checkout"}[5m]))` +
				` - sum(increase({"traces.span.metrics.duration_milliseconds_bucket", service_name="checkout", le=~"2000|2000\\.0"}[5m]))`,
		},
		{
			name: "a native histogram needs no bucket boundary",
			sli: `      latency:
        metric: traces_span_metrics_duration_milliseconds{service_name="checkout"}
        threshold: 1500ms
        native: true
`,
			wantDialect: slo.DialectOTel,
			wantTotal:   `sum(histogram_count(increase(traces_span_metrics_duration_milliseconds{service_name="checkout"}[5m])))`,
			wantBad: `sum(histogram_count(increase(traces_span_metrics_duration_milliseconds{service_name="checkout"}[5m])))` +
				` - sum(histogram_fraction(0, 1500, increase(traces_span_metrics_duration_milliseconds{service_name="checkout"}[5m])) * histogram_count(increase(traces_span_metrics_duration_milliseconds{service_name="checkout"}[5m])))`,
		},
		{
			name: "Tempo's native histogram is in seconds",
			sli: `      latency:
        metric: traces_spanmetrics_latency{service="order-consumer"}
        threshold: 2s
        native: true
`,
			wantDialect: slo.DialectTempo,
			wantTotal:   `sum(histogram_count(increase(traces_spanmetrics_latency{service="order-consumer"}[5m])))`,
			wantBad: `sum(histogram_count(increase(traces_spanmetrics_latency{service="order-consumer"}[5m])))` +
				` - sum(histogram_fraction(0, 2, increase(traces_spanmetrics_latency{service="order-consumer"}[5m])) * histogram_count(increase(traces_spanmetrics_latency{service="order-consumer"}[5m])))`,
		},
		{
			name: "an events SLI with a good query counts total minus good as bad",
			sli: `      events:
        good_query: sum(rate(jobs_ok_total[{{.window}}]))
        total_query: sum(rate(jobs_total[{{.window}}]))
`,
			wantDialect: "",
			wantTotal:   `sum(rate(jobs_total[5m]))`,
			wantBad:     `(sum(rate(jobs_total[5m]))) - (sum(rate(jobs_ok_total[5m])))`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loadOne(t, nativeSpec(tt.sli))
			if s.SLI.Dialect != tt.wantDialect {
				t.Errorf("dialect = %q, want %q", s.SLI.Dialect, tt.wantDialect)
			}
			total, err := s.SLI.TotalQueryFor("5m")
			if err != nil || total != tt.wantTotal {
				t.Errorf("total query = %s (err %v)\nwant          %s", total, err, tt.wantTotal)
			}
			bad, err := s.SLI.BadQueryFor("5m")
			if err != nil || bad != tt.wantBad {
				t.Errorf("bad query = %s (err %v)\nwant        %s", bad, err, tt.wantBad)
			}
			ratio, err := s.SLI.ErrorRatioQueryFor("1h")
			if err != nil || !strings.HasPrefix(ratio, "(") || !strings.Contains(ratio, "[1h]") {
				t.Errorf("error ratio query = %s (err %v)", ratio, err)
			}
		})
	}
}

func TestDialectSetsTraceIDLabelAndUnit(t *testing.T) {
	tempo := loadOne(t, nativeSpec(`      latency:
        metric: traces_spanmetrics_latency_bucket
        threshold: 2048ms
`))
	if got := strings.Join(tempo.Traces.TraceIDLabels, ","); got != "traceID" {
		t.Errorf("tempo trace id labels = %s, want traceID", got)
	}
	if tempo.SLI.Bucket != 2.048 {
		t.Errorf("bucket = %v, want 2.048", tempo.SLI.Bucket)
	}
	generic := loadOne(t, nativeSpec(`      latency:
        metric: rpc_latency_bucket{job="api"}
        unit: ms
        threshold: 1.5s
`))
	if generic.SLI.Dialect != slo.DialectGeneric || generic.SLI.Bucket != 1500 {
		t.Errorf("generic: dialect %q bucket %v, want generic 1500", generic.SLI.Dialect, generic.SLI.Bucket)
	}
	if got := strings.Join(generic.Traces.TraceIDLabels, ","); got != "trace_id,traceID" {
		t.Errorf("generic trace id labels = %s, want both spellings", got)
	}
}

func TestPeriodBounds(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	at := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) // a Wednesday
	tests := []struct {
		name       string
		period     slo.Period
		start, end time.Time
	}{
		{"a rolling period ends now", slo.Period{Rolling: 30 * 24 * time.Hour},
			at.Add(-30 * 24 * time.Hour), at},
		{"a month starts on the first in UTC", slo.Period{Calendar: slo.Month},
			time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
		{"a month starts on the first in its time zone", slo.Period{Calendar: slo.Month, Location: berlin},
			time.Date(2026, 3, 1, 0, 0, 0, 0, berlin), time.Date(2026, 4, 1, 0, 0, 0, 0, berlin)},
		{"a week starts on Monday", slo.Period{Calendar: slo.Week},
			time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end := tt.period.Bounds(at)
			if !start.Equal(tt.start) || !end.Equal(tt.end) {
				t.Errorf("bounds = %s – %s, want %s – %s", start, end, tt.start, tt.end)
			}
		})
	}
}

func TestTraceLinkPresets(t *testing.T) {
	ref := slo.TraceRef{TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", Service: "checkout", At: time.Unix(1700000000, 0)}
	tests := []struct {
		preset, url, want string
	}{
		{"jaeger", "http://jaeger:16686/", "http://jaeger:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736"},
		{"zipkin", "http://zipkin:9411", "http://zipkin:9411/zipkin/traces/4bf92f3577b34da6a3ce929d0e0e4736"},
		{"honeycomb", "https://ui.honeycomb.io/acme/environments/prod/datasets/checkout", "https://ui.honeycomb.io/acme/environments/prod/datasets/checkout/trace?trace_id=4bf92f3577b34da6a3ce929d0e0e4736"},
		{"tempo", "http://grafana:3000", "http://grafana:3000/explore?schemaVersion=1&orgId=1&left=%7B%22datasource%22%3A%22tempo%22%2C%22queries%22%3A%5B%7B%22refId%22%3A%22A%22%2C%22queryType%22%3A%22traceql%22%2C%22query%22%3A%224bf92f3577b34da6a3ce929d0e0e4736%22%7D%5D%2C%22range%22%3A%7B%22from%22%3A%221699996400000%22%2C%22to%22%3A%221700003600000%22%7D%7D"},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			lt, err := slo.NewLinkTemplate(tt.preset, tt.url, "tempo")
			if err != nil {
				t.Fatal(err)
			}
			got, err := lt.Render(ref)
			if err != nil || got != tt.want {
				t.Errorf("link = %s (err %v)\nwant  %s", got, err, tt.want)
			}
		})
	}
}
