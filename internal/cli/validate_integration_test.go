package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/internal/promtest"
)

// collectorData renders the last two hours of a Collector's span metrics
// with the otel_status_code convention and default buckets around a second.
func collectorData(t *testing.T, end time.Time) string {
	t.Helper()
	var w promtest.OpenMetricsWriter
	var calls []promtest.Point
	var hist []promtest.HistogramPoint
	n := 0.0
	for ts := end.Add(-2 * time.Hour); !ts.After(end); ts = ts.Add(30 * time.Second) {
		n += 50
		calls = append(calls, promtest.Point{T: ts, V: n})
		hist = append(hist, promtest.HistogramPoint{T: ts, Buckets: []float64{n * 0.9, n * 0.95, n * 0.99}, Count: n, Sum: n * 300})
	}
	labels := map[string]string{"service_name": "checkout", "span_name": "POST /checkout", "otel_status_code": "UNSET"}
	w.WriteCounter("traces_span_metrics_calls_total", labels, calls)
	w.WriteHistogram("traces_span_metrics_duration_milliseconds", labels, []float64{1000, 1400, 2000}, hist)
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	return text
}

const dataCheckedSpecs = `version: burnwatch/v1
team: checkout
slos:
  - name: latency-2s
    service: checkout
    objective: 99.9
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}
        threshold: 2s
  - name: latency-1500ms
    service: checkout
    objective: 99.9
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}
        threshold: 1500ms
  - name: availability
    service: checkout
    objective: 99.9
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service="checkout"}
  - name: availability-status-code
    service: checkout
    objective: 99.9
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="checkout"}
        error_matcher: status_code="STATUS_CODE_ERROR"
`

// TestValidateChecksSLOsAgainstARealPrometheus backfills a real Prometheus
// 2.42 and runs `burnwatch validate --prometheus-url`: every SLO that does
// not fit the data is an error at its place, with the hint that fixes it.
func TestValidateChecksSLOsAgainstARealPrometheus(t *testing.T) {
	end := time.Now().Add(-time.Minute).Truncate(time.Second)
	srv := promtest.Start(t, promtest.Options{Backfill: collectorData(t, end)})
	dir := t.TempDir()
	spec := filepath.Join(dir, "checkout.yaml")
	if err := os.WriteFile(spec, []byte(dataCheckedSpecs), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"validate", "--prometheus-url", srv.URL, "--header", "X-Scope-OrgID: team-a", spec}, &stdout, &stderr)
	if code != exitFailed {
		t.Fatalf("validate exited %d, want %d; stdout:\n%s\nstderr:\n%s", code, exitFailed, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		spec + `:11:5: checkout/latency-1500ms: no bucket le="1500" on traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}; the nearest are 1400 and 2000`,
		spec + `:18:5: checkout/availability: traces_span_metrics_calls_total{service="checkout"} matches no series: traces_span_metrics_calls_total has no label service (it has service_name)`,
		spec + `:24:5: checkout/availability-status-code: label status_code of the error matcher is not on traces_span_metrics_calls_total{service_name="checkout"}, so no call counts as bad`,
		`otel_status_code convention`,
		spec + `:4:5: checkout/latency-2s: warning: no exemplars on traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}`,
		"--enable-feature=exemplar-storage",
		"3 problems",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	t.Log("\n" + out)
	if strings.Contains(out, "checkout/latency-2s: no") {
		t.Errorf("the SLO that fits the data has an error:\n%s", out)
	}

	stdout.Reset()
	Main(context.Background(), []string{"validate", "--format", "json", "--prometheus-url", srv.URL, spec}, &stdout, &stderr)
	var report validateReport
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("json: %v\n%s", err, stdout.String())
	}
	if report.Valid || len(report.Errors) != 3 || len(report.Warnings) == 0 {
		t.Errorf("json report: valid %v, %d errors, %d warnings; want invalid, 3 errors, warnings", report.Valid, len(report.Errors), len(report.Warnings))
	}
}
