package prom_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/timestamp"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/promtest"
	"github.com/burnwatch/burnwatch/prom"
)

// history is two hours of span metrics at one-minute steps ending a minute
// before now: 60 calls a minute, 6 of them errors; 45 a minute under 0.5s.
type history struct {
	now    time.Time
	points []time.Time
}

func newHistory() history {
	h := history{now: time.Now().Truncate(time.Minute)}
	for i := 120; i >= 1; i-- {
		h.points = append(h.points, h.now.Add(-time.Duration(i)*time.Minute))
	}
	return h
}

// series calls fn for every sample of the history, series by series.
func (h history) series(fn func(name string, lbls map[string]string, points []promtest.Point)) {
	counter := func(perMinute float64) []promtest.Point {
		var ps []promtest.Point
		for i, t := range h.points {
			ps = append(ps, promtest.Point{T: t, V: perMinute * float64(i)})
		}
		return ps
	}
	svc := func(kv ...string) map[string]string {
		m := map[string]string{"service_name": "checkout"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	fn("calls_total", svc("status_code", "STATUS_CODE_UNSET"), counter(54))
	fn("calls_total", svc("status_code", "STATUS_CODE_ERROR"), counter(6))
	fn("latency_bucket", svc("le", "0.5"), counter(45))
	fn("latency_bucket", svc("le", "+Inf"), counter(60))
	fn("latency_count", svc(), counter(60))
}

// openMetrics renders the history for promtool. The histogram series are
// written as gauges so that their names pass through unchanged.
func (h history) openMetrics(t *testing.T) string {
	var w promtest.OpenMetricsWriter
	h.series(func(name string, lbls map[string]string, points []promtest.Point) {
		if strings.HasSuffix(name, "_total") {
			w.WriteCounter(name, lbls, points)
		} else {
			w.WriteGauge(name, lbls, points)
		}
	})
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// load appends the history to an embedded engine.
func (h history) load(t *testing.T, e *prom.Embedded) {
	app := e.Appender(context.Background())
	h.series(func(name string, lbls map[string]string, points []promtest.Point) {
		b := labels.NewBuilder(labels.FromMap(lbls))
		b.Set(model.MetricNameLabel, name)
		ls := b.Labels()
		for _, p := range points {
			if _, err := app.Append(0, ls, timestamp.FromTime(p.T), p.V); err != nil {
				t.Fatalf("append %s: %v", ls, err)
			}
		}
	})
	if err := app.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestQueriersAgainstRealPrometheus backfills a real Prometheus and an
// embedded engine with the same history and asks both the same questions.
func TestQueriersAgainstRealPrometheus(t *testing.T) {
	h := newHistory()
	server := promtest.Start(t, promtest.Options{Backfill: h.openMetrics(t)})
	remote, err := prom.NewHTTP(prom.HTTPOptions{URL: server.URL, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	embedded := newEmbedded(t, prom.EmbeddedOptions{})
	h.load(t, embedded)

	// Half a minute off the sample grid, so that Prometheus 2's closed and
	// Prometheus 3's left-open range selectors see the same samples.
	at := h.now.Add(-30*time.Minute - 30*time.Second)
	tests := []struct {
		name string
		expr string
		want float64
	}{
		{
			name: "The error ratio over an hour is 6 in 60.",
			expr: `sum(rate(calls_total{status_code="STATUS_CODE_ERROR"}[1h])) / sum(rate(calls_total[1h]))`,
			want: 0.1,
		},
		{
			name: "The latency SLI over 30 minutes is 45 in 60.",
			expr: `sum(increase(latency_bucket{le="0.5"}[30m])) / sum(increase(latency_count[30m]))`,
			want: 0.75,
		},
		{
			name: "The increase of all calls over 1h is 60 minutes of 60 calls.",
			expr: `sum(increase(calls_total[1h]))`,
			want: 3600,
		},
		{
			name: "A scalar answer is one sample with no labels.",
			expr: `scalar(sum(latency_count)) / 60`,
			want: 89,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, q := range map[string]burnrate.Querier{"prometheus": remote, "embedded": embedded} {
				vec, err := q.Query(context.Background(), tt.expr, at)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if len(vec) != 1 || len(vec[0].Metric) != 0 {
					t.Fatalf("%s: got %v, want one sample with no labels", name, vec)
				}
				if got := float64(vec[0].Value); math.Abs(got-tt.want) > 1e-9 {
					t.Errorf("%s: got %v, want %v", name, got, tt.want)
				}
			}
		})
	}

	t.Run("A range query over the backfilled history has a point per step.", func(t *testing.T) {
		r := burnrate.Range{Start: at.Add(-time.Hour), End: at, Step: 5 * time.Minute}
		mat, err := remote.QueryRange(context.Background(), `sum(rate(calls_total[5m]))`, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(mat) != 1 || len(mat[0].Values) != 13 {
			t.Fatalf("got %v, want one series of 13 points", mat)
		}
		for _, p := range mat[0].Values {
			if math.Abs(float64(p.Value)-1) > 1e-9 {
				t.Errorf("rate at %s: got %v, want 1 call a second", p.Timestamp.Time().UTC(), p.Value)
			}
		}
	})

	t.Run("A PromQL error is bad_data, named, and not retried.", func(t *testing.T) {
		before := remote.Stats()
		_, err := remote.Query(context.Background(), `sum(rate(calls_total[5m])`, at)
		var apiErr *v1.Error
		if !errors.As(err, &apiErr) || apiErr.Type != v1.ErrBadData {
			t.Fatalf("got %v, want a bad_data error", err)
		}
		wantPrefix := `query "sum(rate(calls_total[5m])" at ` + at.UTC().Format(time.RFC3339) + `: bad_data: `
		if !strings.HasPrefix(err.Error(), wantPrefix) || !strings.Contains(err.Error(), "parse error") {
			t.Errorf("error %q does not start with %q and say parse error", err, wantPrefix)
		}
		if got := remote.Stats().Retries - before.Retries; got != 0 {
			t.Errorf("retries: got %d, want 0", got)
		}
	})
}

// exporterBody is what a span-metrics exporter serves: a latency histogram
// whose buckets carry exemplars, in OpenMetrics so exemplars are kept.
const exporterBody = `# TYPE latency histogram
latency_bucket{service_name="checkout",le="0.5"} 1 # {trace_id="00f067aa0ba902b7a3ce929d0e0e4736"} 0.3
latency_bucket{service_name="checkout",le="+Inf"} 2 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 2.5
latency_count{service_name="checkout"} 2
latency_sum{service_name="checkout"} 2.8
# EOF
`

// TestHTTPExemplarsFromRealPrometheus scrapes an exporter with exemplars and
// reads them back through the query_exemplars API.
func TestHTTPExemplarsFromRealPrometheus(t *testing.T) {
	exporter := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8")
		_, _ = w.Write([]byte(exporterBody))
	}))
	t.Cleanup(exporter.Close)
	server := promtest.Start(t, promtest.Options{
		ScrapeConfigs: []promtest.ScrapeConfig{{JobName: "spanmetrics", Targets: []string{exporter.Listener.Addr().String()}}},
	})
	server.WaitFor(t, `latency_count`, 15*time.Second)

	q := server.Querier()
	now := time.Now()
	res, err := q.QueryExemplars(context.Background(), `sum(rate(latency_bucket{le="+Inf"}[5m]))`, now.Add(-time.Minute), now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || len(res[0].Exemplars) == 0 {
		t.Fatalf("got %+v, want exemplars of one series", res)
	}
	if got, want := res[0].SeriesLabels["job"], "spanmetrics"; string(got) != want {
		t.Errorf("series job: got %q, want %q", got, want)
	}
	ex := res[0].Exemplars[0]
	if got, want := string(ex.Labels["trace_id"]), "4bf92f3577b34da6a3ce929d0e0e4736"; got != want {
		t.Errorf("trace_id: got %q, want %q", got, want)
	}
	if ex.Value != 2.5 {
		t.Errorf("value: got %v, want 2.5", ex.Value)
	}
}
