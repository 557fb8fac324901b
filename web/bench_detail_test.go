package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/exemplar"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/timestamp"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

// rangeCounter counts the range queries it passes on, by query.
type rangeCounter struct {
	q      burnrate.Querier
	mu     sync.Mutex
	ranges map[string]int
}

func (c *rangeCounter) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	return c.q.Query(ctx, expr, at)
}

func (c *rangeCounter) QueryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	c.mu.Lock()
	c.ranges[expr]++
	c.mu.Unlock()
	return c.q.QueryRange(ctx, expr, r)
}

func (c *rangeCounter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.ranges {
		n += v
	}
	return n
}

// monthEngine holds 31 days of checkout's latency histogram every 5
// minutes, with a slow hour a day and a slow exemplar every hour.
func monthEngine(b *testing.B, at time.Time) (*prom.Embedded, *web.Snapshot) {
	b.Helper()
	ctx := context.Background()
	engine, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { engine.Close() })
	h := "traces_span_metrics_duration_milliseconds"
	slowHour := func(ts time.Time) bool { return ts.Hour() == 14 }
	var series []*counterSeries
	for _, bk := range distributionBuckets {
		series = append(series, &counterSeries{name: fmt.Sprintf(`%s_bucket{service_name="checkout",le=%q}`, h, bk.le), gain: func(ts time.Time, d time.Duration) float64 {
			if slowHour(ts) {
				return 100 * d.Minutes() * bk.slow
			}
			return 100 * d.Minutes() * bk.before
		}})
	}
	series = append(series, &counterSeries{name: h + `_count{service_name="checkout"}`, gain: func(_ time.Time, d time.Duration) float64 { return 100 * d.Minutes() }})
	start := at.Add(-31 * 24 * time.Hour)
	if err := loadCounters(ctx, engine, series, start, 5*time.Minute, int(at.Sub(start)/(5*time.Minute))+1); err != nil {
		b.Fatal(err)
	}
	app := engine.Appender(ctx)
	for ts := start.Add(time.Hour); !ts.After(at); ts = ts.Add(time.Hour) {
		ls := labels.FromStrings("__name__", h+"_bucket", "service_name", "checkout", "le", "5000")
		e := exemplar.Exemplar{Labels: labels.FromStrings("trace_id", fmt.Sprintf("%032x", ts.Unix())), Value: 3200, Ts: timestamp.FromTime(ts), HasTs: true}
		if _, err := app.AppendExemplar(0, ls, e); err != nil {
			b.Fatal(err)
		}
	}
	if err := app.Commit(); err != nil {
		b.Fatal(err)
	}
	set, diags := slo.LoadBytes("specs.yaml", []byte(fmt.Sprintf(distributionSpecs, "http://jaeger.invalid")))
	if len(diags) > 0 {
		b.Fatal(diags)
	}
	var latency []*slo.SLO
	for _, sl := range set.SLOs {
		if sl.ID == "checkout/requests-latency" {
			latency = append(latency, sl)
		}
	}
	res := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(ctx, engine, latency, at)
	return engine, &web.Snapshot{At: at, Statuses: res.Statuses}
}

// BenchmarkDetailPage30dHeatmap renders the SLO page of a latency SLO over
// its 30-day period, its history and distribution cached (the first,
// untimed view fills the cache). It reports the range queries the first
// view sent per chart, and those of every later view within the cache's
// TTL, which should be none.
func BenchmarkDetailPage30dHeatmap(b *testing.B) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	engine, snap := monthEngine(b, at)
	q := &rangeCounter{q: engine, ranges: map[string]int{}}
	h, err := web.New(web.Options{
		Snapshot: func() *web.Snapshot { return snap }, Querier: q, Exemplars: prom.Exemplars(engine),
		Logger: slog.New(slog.DiscardHandler), Refresh: -1, HistoryTTL: time.Hour,
	})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/slo/checkout/requests-latency?range=period", nil)
	view := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		return rec
	}
	first := view().Body.String()
	if !strings.Contains(first, `<svg id="chart-distribution"`) || strings.Count(first, `class="h`) < 100 {
		b.Fatal("the first view has no 30-day heatmap")
	}
	charts := map[string]int{}
	for expr, n := range q.ranges {
		switch {
		case strings.Contains(expr, "by (le)"):
			charts["distribution"] += n
		case strings.Contains(expr, "burnwatch_window"):
			charts["burn"] += n
		case strings.Contains(expr, "[4h]") && strings.Contains(expr, ") / ("):
			charts["ratio"] += n
		default:
			charts["budget"] += n
		}
	}
	cached := q.total()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.SetBytes(int64(view().Body.Len()))
	}
	b.StopTimer()
	for _, c := range []string{"distribution", "burn", "ratio", "budget"} {
		b.ReportMetric(float64(charts[c]), "queries-"+c)
	}
	for _, c := range []string{"distribution", "burn", "ratio"} {
		if charts[c] != 1 {
			b.Errorf("the %s chart took %d range queries, want 1", c, charts[c])
		}
	}
	if charts["budget"] > 2 {
		b.Errorf("the budget chart took %d range queries, want at most 2", charts["budget"])
	}
	b.ReportMetric(float64(q.total()-cached), "queries-cached-views")
	if n := q.total() - cached; n > 0 {
		b.Errorf("views served from the cache sent %d range queries", n)
	}
}
