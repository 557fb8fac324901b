package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/promtest"
	"github.com/burnwatch/burnwatch/slo"
)

// backfillSpanMetrics renders two days of span metrics, one sample every 30
// seconds, for checkout (the Collector's ms histogram and calls counter)
// and order-consumer (Tempo's seconds histogram), with an incident in the
// last hours.
func backfillSpanMetrics(t *testing.T, end time.Time) string {
	t.Helper()
	var w promtest.OpenMetricsWriter
	start := end.Add(-48 * time.Hour)
	var okPts, errPts []promtest.Point
	var msPts, tempoPts []promtest.HistogramPoint
	var ok, bad, fast, slow, all float64
	for ts := start; !ts.After(end); ts = ts.Add(30 * time.Second) {
		h := ts.Sub(start).Hours()
		errShare, slowShare := 0.0005, 0.0004
		if h > 45 {
			errShare, slowShare = 0.03, 0.15 // the incident
		}
		calls := 50 + 20*math.Sin(h/3)
		bad += calls * errShare
		ok += calls * (1 - errShare)
		all += calls
		slow += calls * slowShare
		fast = all - slow
		okPts = append(okPts, promtest.Point{T: ts, V: math.Round(ok)})
		errPts = append(errPts, promtest.Point{T: ts, V: math.Round(bad)})
		msPts = append(msPts, promtest.HistogramPoint{T: ts, Buckets: []float64{math.Round(fast * 0.7), math.Round(fast)}, Count: math.Round(all), Sum: all * 300})
		tempoPts = append(tempoPts, promtest.HistogramPoint{T: ts, Buckets: []float64{math.Round(fast)}, Count: math.Round(all), Sum: all * 0.4})
	}
	calls := map[string]string{"service_name": "checkout", "span_name": "POST /checkout", "span_kind": "SPAN_KIND_SERVER"}
	w.WriteCounter("traces_span_metrics_calls_total", with(calls, "status_code", "STATUS_CODE_UNSET"), okPts)
	w.WriteCounter("traces_span_metrics_calls_total", with(calls, "status_code", "STATUS_CODE_ERROR"), errPts)
	w.WriteHistogram("traces_span_metrics_duration_milliseconds", with(calls, "status_code", "STATUS_CODE_UNSET"), []float64{1000, 2000}, msPts)
	w.WriteHistogram("traces_spanmetrics_latency", map[string]string{"service": "order-consumer", "span_name": "process order", "span_kind": "SPAN_KIND_CONSUMER"}, []float64{2}, tempoPts)
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func with(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for a, b := range m {
		out[a] = b
	}
	return out
}

// TestEvalMatchesPrometheusOwnNumbers runs `burnwatch eval` against a real
// Prometheus with backfilled span metrics, and compares every window's
// error ratio with the ratio Prometheus computes for the same SLI query.
func TestEvalMatchesPrometheusOwnNumbers(t *testing.T) {
	end := time.Now().Add(-2 * time.Hour).Truncate(time.Minute)
	srv := promtest.Start(t, promtest.Options{Backfill: backfillSpanMetrics(t, end)})
	specs := filepath.Join("..", "..", "specs")

	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"eval", "--specs", filepath.Join(specs, "checkout.yaml"), "--specs", filepath.Join(specs, "queue.yaml"),
		"--prometheus-url", srv.URL, "--at", strconv.FormatInt(end.Unix(), 10), "--output", "json"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("eval exited %d: %s", code, stderr.String())
	}
	var report burnrate.Report
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("eval output is not the JSON contract: %v\n%s", err, stdout.String())
	}
	set, diags := slo.Load(os.DirFS(specs), "checkout.yaml", "queue.yaml")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if len(report.SLOs) != len(set.SLOs) {
		t.Fatalf("report has %d SLOs, want %d", len(report.SLOs), len(set.SLOs))
	}
	compared := 0
	for _, r := range report.SLOs {
		s := set.Get(r.ID)
		if r.State != burnrate.StateOK {
			t.Errorf("%s: state %s (%s), want ok", r.ID, r.State, r.Reason)
		}
		for window, got := range r.Windows {
			q, err := s.SLI.ErrorRatioQueryFor(window)
			if err != nil {
				t.Fatal(err)
			}
			vec := srv.Query(t, q, end)
			if len(vec) != 1 {
				t.Fatalf("%s %s: Prometheus answered %d series for %s", r.ID, window, len(vec), q)
			}
			want := float64(vec[0].Value)
			if rel := math.Abs(float64(got.ErrorRatio)-want) / want; rel > 0.01 {
				t.Errorf("%s window %s: eval error ratio %v, Prometheus %v (%.2f%% off)", r.ID, window, float64(got.ErrorRatio), want, 100*rel)
			}
			compared++
		}
	}
	if compared < 3*6 {
		t.Errorf("compared %d windows, want every window of 3 SLOs", compared)
	}
	var text bytes.Buffer
	if code := Main(context.Background(), []string{"eval", "--specs", specs, "--prometheus-url", srv.URL, "--at", end.Format(time.RFC3339)}, &text, &stderr); code == exitUsage {
		t.Fatalf("text eval: usage error %s", stderr.String())
	}
	t.Log("\n" + text.String())
	fmt.Fprint(os.Stderr)
}
