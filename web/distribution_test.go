package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/exemplar"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/timestamp"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

// The distribution fixture: checkout's latency histogram over six hours,
// 100 calls a minute, fast until 30 minutes ago and then with 5% of calls
// between 2 s and 5 s; an exemplar every ten minutes on the fast bucket and,
// since the change, a slow one every five.

const distributionSpecs = `version: burnwatch/v1
team: checkout
labels:
  note: "` + hostile + `"
traces:
  link: jaeger
  url: %s
slos:
  - name: requests-latency
    service: checkout
    objective: 99.9
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}
        threshold: 2s
  - name: requests-availability
    service: checkout
    objective: 99.9
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="checkout"}
`

// slowSince is how long before the evaluation checkout turned slow.
const slowSince = 30 * time.Minute

// distributionBuckets are the histogram's bounds in ms and the share of
// calls at or under each, before and since the change.
var distributionBuckets = []struct {
	le           string
	before, slow float64
}{
	{"100", 0.90, 0.85}, {"250", 0.99, 0.94}, {"500", 1, 0.95}, {"1000", 1, 0.95},
	{"2000", 1, 0.95}, {"5000", 1, 1}, {"+Inf", 1, 1},
}

// slowTrace is the id of the slow exemplar nearest the evaluation.
func slowTrace(i int) string { return fmt.Sprintf("5107%028x", i) }

// distributionEngine loads the fixture into an embedded engine and returns
// it with the snapshot of its evaluation at `at` and the open incident.
// Trace links go to http://jaeger.invalid.
func distributionEngine(t testing.TB, at time.Time) (*prom.Embedded, *web.Snapshot) {
	t.Helper()
	return distributionEngineWithTraces(t, at, "http://jaeger.invalid")
}

// distributionEngineWithTraces is distributionEngine with trace links to
// a Jaeger at traceURL.
func distributionEngineWithTraces(t testing.TB, at time.Time, traceURL string) (*prom.Embedded, *web.Snapshot) {
	t.Helper()
	ctx := context.Background()
	engine, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close() })
	h := "traces_span_metrics_duration_milliseconds"
	share := func(le int) func(time.Time, time.Duration) float64 {
		b := distributionBuckets[le]
		return func(ts time.Time, d time.Duration) float64 {
			if ts.After(at.Add(-slowSince)) {
				return 100 * d.Minutes() * b.slow
			}
			return 100 * d.Minutes() * b.before
		}
	}
	var series []*counterSeries
	for i, b := range distributionBuckets {
		series = append(series, &counterSeries{name: fmt.Sprintf(`%s_bucket{service_name="checkout",le=%q}`, h, b.le), gain: share(i)})
	}
	all := func(time.Time, time.Duration) float64 { return 100 }
	series = append(series,
		&counterSeries{name: h + `_count{service_name="checkout"}`, gain: all},
		&counterSeries{name: `traces_span_metrics_calls_total{service_name="checkout",status_code="STATUS_CODE_OK"}`, gain: func(ts time.Time, d time.Duration) float64 { return 99 }},
		&counterSeries{name: `traces_span_metrics_calls_total{service_name="checkout",status_code="STATUS_CODE_ERROR"}`, gain: func(ts time.Time, d time.Duration) float64 {
			if ts.After(at.Add(-slowSince)) {
				return 1
			}
			return 0
		}},
	)
	start := at.Add(-6 * time.Hour)
	if err := loadCounters(ctx, engine, series, start, time.Minute, 6*60+1); err != nil {
		t.Fatal(err)
	}
	app := engine.Appender(ctx)
	exemplarAt := func(le string, ts time.Time, traceID string, value float64) {
		ls := labels.FromStrings("__name__", h+"_bucket", "service_name", "checkout", "le", le)
		e := exemplar.Exemplar{Labels: labels.FromStrings("trace_id", traceID), Value: value, Ts: timestamp.FromTime(ts), HasTs: true}
		if _, err := app.AppendExemplar(0, ls, e); err != nil {
			t.Fatalf("exemplar at %s: %v", ts, err)
		}
	}
	for m := 6 * 60; m > 0; m -= 10 {
		exemplarAt("100", at.Add(-time.Duration(m)*time.Minute), fmt.Sprintf("fa57%028x", m), 42)
	}
	for i := int(slowSince / (5 * time.Minute)); i >= 1; i-- {
		exemplarAt("5000", at.Add(-time.Duration(i)*5*time.Minute), slowTrace(i), 3200)
	}
	errSeries := labels.FromStrings("__name__", "traces_span_metrics_calls_total", "service_name", "checkout", "status_code", "STATUS_CODE_ERROR")
	if _, err := app.AppendExemplar(0, errSeries, exemplar.Exemplar{Labels: labels.FromStrings("trace_id", "e7707000000000000000000000000001"), Value: 1, Ts: timestamp.FromTime(at.Add(-10 * time.Minute)), HasTs: true}); err != nil {
		t.Fatal(err)
	}
	if err := app.Commit(); err != nil {
		t.Fatal(err)
	}
	set, diags := slo.LoadBytes("specs.yaml", []byte(fmt.Sprintf(distributionSpecs, traceURL)))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	res := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(ctx, engine, set.SLOs, at)
	snap := &web.Snapshot{At: at, Statuses: res.Statuses}
	snap.Incidents = []alerting.Incident{{
		Key: "checkout/requests-latency/page/1", SLOID: "checkout/requests-latency", Kind: alerting.KindBurn,
		Severity: "page", State: alerting.IncidentFiring, StartedAt: at.Add(-20 * time.Minute),
		Summary: "checkout/requests-latency burns its error budget too fast.",
	}}
	return engine, snap
}

func newDistributionServer(t testing.TB, at time.Time) (string, *web.Snapshot) {
	t.Helper()
	engine, snap := distributionEngine(t, at)
	h, err := web.New(web.Options{
		Snapshot: func() *web.Snapshot { return snap }, Querier: engine, Exemplars: prom.Exemplars(engine),
		Logger: slog.New(slog.DiscardHandler), Refresh: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h) // on 127.0.0.1
	t.Cleanup(srv.Close)
	return srv.URL, snap
}

// svgOf returns the <svg id="id"> element of a page.
func svgOf(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `<svg id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no svg#%s on the page", id)
	}
	j := strings.Index(page[i:], "</svg>")
	return page[i : i+j]
}

func TestTheDistributionShowsTheSlowBandAndLinksItsTraces(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	srv, _ := newDistributionServer(t, at)
	body := fetch(t, srv+"/slo/checkout/requests-latency?range=1h")
	heat := svgOf(t, body, "chart-distribution")

	// Cells between 2 s and 5 s exist only since the change.
	slowCells := regexp.MustCompile(`<title>(\d{4}-\d\d-\d\d \d\d:\d\d) UTC: [0-9,]+ between 2s and 5s</title>`).FindAllStringSubmatch(heat, -1)
	if len(slowCells) == 0 {
		t.Fatal("no cell between 2s and 5s in the distribution")
	}
	for _, m := range slowCells {
		ts, err := time.Parse("2006-01-02 15:04", m[1])
		if err != nil {
			t.Fatal(err)
		}
		if ts.Before(at.Add(-slowSince)) {
			t.Errorf("a slow cell at %s, before the change at %s", ts, at.Add(-slowSince))
		}
	}
	if !strings.Contains(heat, `class="threshold limit"`) {
		t.Error("the distribution has no threshold line")
	}
	// Every slow exemplar of the hour is a link to its trace; the fast ones
	// are points without one.
	links := regexp.MustCompile(`<a href="(http://jaeger\.invalid/trace/[0-9a-f]+)"`).FindAllStringSubmatch(heat, -1)
	if len(links) != 6 {
		t.Errorf("%d exemplar links in the distribution, want the 6 slow exemplars", len(links))
	}
	if want := "http://jaeger.invalid/trace/" + slowTrace(1); !strings.Contains(heat, `href="`+want+`"`) {
		t.Errorf("no link to the latest slow trace %s", want)
	}
	if n := strings.Count(heat, `class="exemplar ex-ok"`); n != 6 {
		t.Errorf("%d fast exemplar points in the hour, want 6", n)
	}
	// The list below names the slow traces too.
	if !strings.Contains(body, `<ul class="traces exemplars">`) || !strings.Contains(body, slowTrace(1)) {
		t.Error("the bad exemplars of the range are not listed")
	}
}

func TestTheErrorsChartLinksFailedCalls(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	srv, _ := newDistributionServer(t, at)
	body := fetch(t, srv+"/slo/checkout/requests-availability?range=1h")
	chart := svgOf(t, body, "chart-distribution")
	if !strings.Contains(chart, `class="bad-bar"`) {
		t.Error("the failed calls chart has no bar")
	}
	if !strings.Contains(chart, `href="http://jaeger.invalid/trace/e7707000000000000000000000000001"`) {
		t.Error("the failed call's exemplar is not a link to its trace")
	}
}

// fetch GETs a URL and returns the body of a 200 answer.
func fetch(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", url, res.StatusCode, body)
	}
	return string(body)
}
