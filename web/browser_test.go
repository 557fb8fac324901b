package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

// The browser test opens the dashboard in a real headless Chromium over a
// snapshot from real evaluations: synthetic span metrics in the embedded
// engine, where checkout's latency SLO is burning right now.

const browserSpecs = `version: burnwatch/v1
team: checkout
traces:
  link: jaeger
  url: http://jaeger.invalid
slos:
  - name: requests-latency
    service: checkout
    description: Checkout requests are served within 2 seconds.
    objective: 99.9
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}
        threshold: 2s
    alerting:
      runbook_url: https://runbooks.example.com/checkout/latency
  - name: requests-availability
    service: checkout
    description: Checkout requests do not fail.
    objective: 99.9
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="checkout"}
---
version: burnwatch/v1
team: payments
slos:
  - name: authorize-errors
    service: payments
    description: Card authorisations succeed.
    objective: 99.95
    period: month
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="payments"}
---
version: burnwatch/v1
team: search
labels:
  owner: "` + hostile + `"
slos:
  - name: query-errors
    service: search
    description: "` + hostile + `"
    objective: 99
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="search"}
`

// counterSeries is a counter and what it gains over d ending at t.
type counterSeries struct {
	name  string
	gain  func(t time.Time, d time.Duration) float64
	total float64
}

// loadCounters appends n samples of every series, interval apart from
// start, continuing their totals.
func loadCounters(ctx context.Context, e *prom.Embedded, series []*counterSeries, start time.Time, interval time.Duration, n int) error {
	var b strings.Builder
	for _, s := range series {
		b.WriteString(s.name)
		for i := range n {
			t := start.Add(time.Duration(i) * interval)
			s.total += s.gain(t, interval)
			b.WriteByte(' ')
			b.WriteString(strconv.FormatFloat(s.total, 'f', -1, 64))
		}
		b.WriteByte('\n')
	}
	return e.Load(ctx, start, interval, b.String())
}

// browserTraffic is 100 calls a minute per service, with bad shares that
// tell a story: checkout latency burns hard for the last 50 minutes and
// burned ten days ago for three hours.
func browserTraffic(at time.Time) []*counterSeries {
	perMinute := func(share func(time.Time) float64, bad bool) func(time.Time, time.Duration) float64 {
		return func(t time.Time, d time.Duration) float64 {
			calls := 100 * d.Minutes()
			if bad {
				return calls * share(t)
			}
			return calls * (1 - share(t))
		}
	}
	all := func(t time.Time, d time.Duration) float64 { return 100 * d.Minutes() }
	slow := func(t time.Time) float64 {
		switch {
		case t.After(at.Add(-50 * time.Minute)):
			return 0.03
		case t.After(at.Add(-10*24*time.Hour)) && !t.After(at.Add(-10*24*time.Hour+3*time.Hour)):
			return 0.01
		}
		return 0.0003
	}
	steady := func(v float64) func(time.Time) float64 { return func(time.Time) float64 { return v } }
	h := "traces_span_metrics_duration_milliseconds"
	calls := func(service, code string) string {
		return fmt.Sprintf(`traces_span_metrics_calls_total{service_name=%q,status_code=%q}`, service, code)
	}
	return []*counterSeries{
		{name: h + `_bucket{service_name="checkout",le="2000"}`, gain: perMinute(slow, false)},
		{name: h + `_bucket{service_name="checkout",le="+Inf"}`, gain: all},
		{name: h + `_count{service_name="checkout"}`, gain: all},
		{name: calls("checkout", "STATUS_CODE_OK"), gain: perMinute(steady(0.0001), false)},
		{name: calls("checkout", "STATUS_CODE_ERROR"), gain: perMinute(steady(0.0001), true)},
		{name: calls("payments", "STATUS_CODE_OK"), gain: perMinute(steady(0.0001), false)},
		{name: calls("payments", "STATUS_CODE_ERROR"), gain: perMinute(steady(0.0001), true)},
		{name: calls("search", "STATUS_CODE_OK"), gain: perMinute(steady(0.001), false)},
		{name: calls("search", "STATUS_CODE_ERROR"), gain: perMinute(steady(0.001), true)},
	}
}

// browserSnapshot evaluates the specs over 31 days of synthetic traffic
// (every 5 minutes, the last two days every minute) and adds the incident
// the daemon would hold for the burning SLO.
func browserSnapshot(t *testing.T, at time.Time) (*web.Snapshot, *prom.Embedded) {
	t.Helper()
	ctx := context.Background()
	engine, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close() })
	series := browserTraffic(at)
	start := at.Add(-31 * 24 * time.Hour)
	recent := at.Add(-2 * 24 * time.Hour)
	if err := loadCounters(ctx, engine, series, start, 5*time.Minute, int(recent.Sub(start)/(5*time.Minute))); err != nil {
		t.Fatal(err)
	}
	if err := loadCounters(ctx, engine, series, recent, time.Minute, int(at.Sub(recent)/time.Minute)+1); err != nil {
		t.Fatal(err)
	}
	set, diags := slo.LoadBytes("specs.yaml", []byte(browserSpecs))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	res := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(ctx, engine, set.SLOs, at)
	snap := &web.Snapshot{At: at, Statuses: res.Statuses}
	for i := range res.Statuses {
		st := &res.Statuses[i]
		if st.SLO.ID != "checkout/requests-latency" {
			continue
		}
		if st.Firing() != slo.Page {
			t.Fatalf("the burning SLO does not page: %+v", st.Alerts)
		}
		in := alerting.Incident{
			Key: st.SLO.ID + "/page/now", SLOID: st.SLO.ID, Kind: alerting.KindBurn, Severity: "page",
			State: alerting.IncidentFiring, StartedAt: at.Add(-40 * time.Minute), LastNotifiedAt: at.Add(-40 * time.Minute),
			Summary: fmt.Sprintf("%s burns its error budget %.1f× too fast over 1h (page above 14.4×).", st.SLO.ID, st.Alerts[0].LongBurnRate),
			Deliveries: []alerting.Delivery{
				{NotificationID: "n1", Receiver: "pagerduty", Status: alerting.Firing, State: alerting.DeliverySent, Attempts: 1, QueuedAt: at.Add(-40 * time.Minute), SentAt: at.Add(-40 * time.Minute)},
				{NotificationID: "n1", Receiver: "slack", Status: alerting.Firing, State: alerting.DeliveryPending, Attempts: 2, LastError: "slack answered 503", QueuedAt: at.Add(-40 * time.Minute)},
			},
		}
		for _, a := range st.Alerts {
			if a.Severity == slo.Page {
				in.Windows = append(in.Windows, alerting.BurnWindow{
					Long: burnrate.FormatWindow(a.Long), Short: burnrate.FormatWindow(a.Short), Factor: a.Factor,
					LongBurnRate: a.LongBurnRate, ShortBurnRate: a.ShortBurnRate, Firing: a.Firing,
				})
			}
		}
		for i, id := range []string{"4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7a3ce929d0e0e4736"} {
			link, err := st.SLO.Traces.Link.Render(slo.TraceRef{TraceID: id, Service: st.SLO.Service, At: at.Add(-time.Duration(i+1) * time.Minute)})
			if err != nil {
				t.Fatal(err)
			}
			in.Traces = append(in.Traces, alerting.TraceLink{
				TraceID: id, URL: link, Value: 3.2 - float64(i), Reason: fmt.Sprintf("latency %.1fs > 2s", 3.2-float64(i)),
				At: at.Add(-time.Duration(i+1) * time.Minute),
			})
		}
		past := alerting.Incident{
			Key: st.SLO.ID + "/page/past", SLOID: st.SLO.ID, Kind: alerting.KindBurn, Severity: "page",
			State: alerting.IncidentResolved, Summary: st.SLO.ID + " burned its error budget 10× too fast over 1h.",
			StartedAt: at.Add(-10*24*time.Hour + 50*time.Minute), ResolvedAt: at.Add(-10*24*time.Hour + 3*time.Hour + 20*time.Minute),
		}
		snap.Incidents = append(snap.Incidents, in, past)
	}
	return snap, engine
}

// chromiumPath finds Chromium: $CHROME, /usr/bin/chromium or the PATH.
func chromiumPath() string {
	if p := os.Getenv("CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func artifactDir(t *testing.T) string {
	if dir := os.Getenv("BURNWATCH_ARTIFACTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// cspWatch counts Content-Security-Policy violations in every document;
// scripts the browser adds itself are not subject to the policy.
const cspWatch = `window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`

// startChromium starts a headless Chromium that records CSP violations,
// or skips the test when there is none.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	chrome := chromiumPath()
	if chrome == "" {
		if os.Getenv("BURNWATCH_REQUIRE_CHROMIUM") == "1" {
			t.Fatal("Chromium not found (set CHROME or install it with scripts/install-test-deps.sh) and BURNWATCH_REQUIRE_CHROMIUM=1")
		}
		t.Skip("Chromium not found: install the Debian package chromium (scripts/install-test-deps.sh) or set CHROME; BURNWATCH_REQUIRE_CHROMIUM=1 makes this a failure")
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	err := chromedp.Do(ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch})
		return chromedp.Void{}, err
	})
	if err != nil {
		t.Fatalf("start Chromium %s: %v", chrome, err)
	}
	return ctx
}

// newDashboard serves the dashboard over snap on 127.0.0.1.
func newDashboard(t *testing.T, snap *web.Snapshot, q burnrate.Querier) string {
	t.Helper()
	h, err := web.New(web.Options{
		Snapshot: func() *web.Snapshot { return snap }, Querier: q,
		Logger: slog.New(slog.DiscardHandler), Refresh: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return newLoopbackServer(t, h)
}

func TestDashboardInChromium(t *testing.T) {
	ctx := startChromium(t)
	at := time.Now().UTC().Truncate(time.Minute)
	snap, engine := browserSnapshot(t, at)
	srv := newDashboard(t, snap, engine)
	artifacts := artifactDir(t)

	// The overview: data, the burning SLO first, no script from the spec.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv+"/"), chromedp.WaitVisible(chromedp.CSS("table.slos"))); err != nil {
		t.Fatal(err)
	}
	rows := evaluate[[]string](t, ctx, `[...document.querySelectorAll('tr[data-slo]')].map(r => r.dataset.slo)`)
	if len(rows) != 4 || rows[0] != "checkout/requests-latency" {
		t.Errorf("overview rows %v, want 4 with checkout/requests-latency first", rows)
	}
	if got := evaluate[string](t, ctx, `document.querySelector('tr[data-slo] .badge').textContent`); got != "page firing" {
		t.Errorf("first row's status %q, want page firing", got)
	}
	if got := evaluate[string](t, ctx, `getComputedStyle(document.querySelector('header.top')).backgroundColor`); got != "rgb(16, 24, 40)" {
		t.Errorf("header background %q: the stylesheet did not load", got)
	}
	checkNoScriptRan(t, ctx, "overview")
	if !evaluate[bool](t, ctx, `document.body.innerText.includes('`+hostile+`')`) {
		t.Error("the hostile label is not shown as text on the overview")
	}
	screenshot(t, ctx, artifacts, "overview.png")

	// Click through to the burning SLO.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`tr[data-slo="checkout/requests-latency"] td.slo a`)), chromedp.WaitVisible(chromedp.CSS("#alerting"))); err != nil {
		t.Fatal(err)
	}
	if got := evaluate[string](t, ctx, `location.pathname`); got != "/slo/checkout/requests-latency" {
		t.Errorf("clicked through to %q", got)
	}
	for _, id := range []string{"chart-budget", "chart-burn", "chart-error-ratio", "burn-bars", "alert-timeline"} {
		if !evaluate[bool](t, ctx, `!!document.querySelector('svg#`+id+`')`) {
			t.Errorf("no svg#%s on the SLO page", id)
		}
	}
	if n := evaluate[int](t, ctx, `document.querySelectorAll('svg').length`); n < 6 {
		t.Errorf("%d svg elements on the SLO page, want at least 6 (5 charts and the budget bar)", n)
	}
	if n := evaluate[int](t, ctx, `document.querySelectorAll('#chart-budget polyline').length`); n == 0 {
		t.Error("the budget chart has no line")
	}
	if got := evaluate[string](t, ctx, `document.querySelector('a.trace').href`); got != "http://jaeger.invalid/trace/4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("first trace link %q", got)
	}
	text := evaluate[string](t, ctx, `document.body.innerText`)
	for _, want := range []string{"Pages if the 1h and 5m burn rates both exceed 14.4; now ", "firing now", "is exhausted in"} {
		if !strings.Contains(text, want) {
			t.Errorf("SLO page lacks %q", want)
		}
	}
	if strings.Contains(text, "could not be loaded") {
		t.Error("the history failed to load")
	}
	checkNoScriptRan(t, ctx, "SLO page")
	screenshot(t, ctx, artifacts, "detail.png")

	// The hostile SLO's own page.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv+"/slo/search/query-errors"), chromedp.WaitVisible(chromedp.CSS("#alerting"))); err != nil {
		t.Fatal(err)
	}
	checkNoScriptRan(t, ctx, "hostile SLO page")
	if got := evaluate[string](t, ctx, `document.querySelector('p.lead').textContent`); got != hostile {
		t.Errorf("hostile description shows as %q", got)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(srv+"/alerts"), chromedp.WaitVisible(chromedp.CSS("article.incident"))); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, artifacts, "alerts.png")
}

// TestAYoungPrometheusInChromium shows the dashboard of a Prometheus with
// two hours of history: the budget says it covers those two hours, and
// the windows longer than them are marked.
func TestAYoungPrometheusInChromium(t *testing.T) {
	ctx := startChromium(t)
	// On the hour, so that the history lookup's steps find the first
	// sample exactly.
	at := time.Now().UTC().Truncate(time.Hour)
	snap, engine := youngEvaluation(t, at)
	srv := newDashboard(t, snap, engine)
	artifacts := artifactDir(t)

	if err := chromedp.Do(ctx, chromedp.Navigate(srv+"/"), chromedp.WaitVisible(chromedp.CSS("table.slos"))); err != nil {
		t.Fatal(err)
	}
	got := evaluate[string](t, ctx, `document.querySelector('tr[data-slo="checkout/requests-latency"] td.budget').innerText`)
	if !strings.Contains(got, "over the last 2h of 30d") {
		t.Errorf("the young SLO's budget cell reads %q, want it to say it covers the last 2h of 30d", got)
	}
	checkNoScriptRan(t, ctx, "young overview")
	screenshot(t, ctx, artifacts, "young-overview.png")

	if err := chromedp.Do(ctx, chromedp.Navigate(srv+"/slo/checkout/requests-latency"), chromedp.WaitVisible(chromedp.CSS("table.windows"))); err != nil {
		t.Fatal(err)
	}
	marked := evaluate[[]string](t, ctx, `[...document.querySelectorAll('table.windows abbr.partial')].map(a => a.closest('th').firstChild.textContent.trim() + ': ' + a.title)`)
	want := []string{
		"6h: the data covers only the last 2h of this 6h window",
		"1d: the data covers only the last 2h of this 1d window",
		"3d: the data covers only the last 2h of this 3d window",
	}
	if strings.Join(marked, "; ") != strings.Join(want, "; ") {
		t.Errorf("marked windows %q, want %q", marked, want)
	}
	checkNoScriptRan(t, ctx, "young SLO page")
	screenshot(t, ctx, artifacts, "young-detail.png")
}

// newLoopbackServer serves h on 127.0.0.1 and returns its base URL.
func newLoopbackServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h) // httptest listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return srv.URL
}

func evaluate[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func checkNoScriptRan(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	if got := evaluate[string](t, ctx, `typeof window.__pwned`); got != "undefined" {
		t.Errorf("%s: window.__pwned is %s: the spec's script ran", where, got)
	}
	if v := evaluate[[]string](t, ctx, `window.__csp || []`); len(v) > 0 {
		t.Errorf("%s: Content-Security-Policy violations: %v", where, v)
	}
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
