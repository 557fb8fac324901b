package backtest_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/backtest"
	"github.com/burnwatch/burnwatch/daemon"
	"github.com/burnwatch/burnwatch/internal/osfs"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
)

// apiSpec is an errors SLO on the api service, with the default policy.
const apiSpec = `version: burnwatch/v1
team: api
slos:
  - name: availability
    service: api
    objective: 99.9
    period: 30d
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="api"}
`

// apiBudgetSpec is apiSpec with a ten times smaller budget, which the
// outage spends, and both budget alerts.
const apiBudgetSpec = `version: burnwatch/v1
team: api
slos:
  - name: availability
    service: api
    objective: 99.99
    period: 30d
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="api"}
    alerting:
      exhaustion: {within: 2d, window: 1h}
      budget_spent: {severity: page}
`

// outage is four days of 100 calls a minute from day0, with 20% of them
// failing for 30 minutes from day0 + 3d: a page, then a ticket that lasts
// hours once the page's short windows have cleared.
const outage = `
traces_span_metrics_calls_total{service_name="api", status_code="STATUS_CODE_UNSET"} 0+100x5760
traces_span_metrics_calls_total{service_name="api", status_code="STATUS_CODE_ERROR"} 0x4320 20+20x29 600x1410
`

var day0 = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

// outageStart is when the failures begin.
var outageStart = day0.Add(3 * 24 * time.Hour)

func loadOutage(t *testing.T) *prom.Embedded {
	t.Helper()
	e, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if err := e.Load(context.Background(), day0, time.Minute, outage); err != nil {
		t.Fatal(err)
	}
	return e
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func loadSpecs(t testing.TB, dir string) []*slo.SLO {
	t.Helper()
	set, diags := slo.Load(osfs.FS{}, dir)
	if len(diags) > 0 {
		t.Fatal(diags.Error())
	}
	return set.SLOs
}

// firing is an alert as both the daemon and a backtest report it.
type firing struct {
	Kind       alerting.Kind
	Severity   slo.Severity
	Start, End time.Time
}

// compare orders firings by start, then kind and severity.
func (f firing) compare(g firing) int {
	if c := f.Start.Compare(g.Start); c != 0 {
		return c
	}
	if c := strings.Compare(string(f.Kind), string(g.Kind)); c != 0 {
		return c
	}
	return strings.Compare(string(f.Severity), string(g.Severity))
}

func backtestFirings(rep *backtest.Report) []firing {
	var out []firing
	for _, s := range rep.SLOs {
		for _, a := range s.Alerts {
			out = append(out, firing{a.Kind, a.Severity, a.Start.UTC(), a.End.UTC()})
		}
	}
	return out
}

func TestBacktestFiresAtTheInstantsTheDaemonFires(t *testing.T) {
	e := loadOutage(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "specs", "api.yaml"), apiBudgetSpec)
	writeFile(t, filepath.Join(dir, "burnwatch.yaml"), "prometheus: {url: http://127.0.0.1:9}\nspecs: [specs]\ndata_dir: data\n")
	from, to := outageStart.Add(-time.Hour), outageStart.Add(8*time.Hour)
	const step = 30 * time.Second

	d, err := daemon.New(daemon.Options{ConfigPath: filepath.Join(dir, "burnwatch.yaml"), Querier: e, Unscheduled: true,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	for at := from; !at.After(to); at = at.Add(step) {
		d.Evaluate(context.Background(), at)
	}
	var fromDaemon []firing
	for _, inc := range daemonIncidents(t, d) {
		switch inc.Kind {
		case alerting.KindBurn, alerting.KindExhaustion, alerting.KindBudgetSpent:
			fromDaemon = append(fromDaemon, firing{inc.Kind, inc.Severity, inc.StartedAt.UTC(), inc.ResolvedAt.UTC()})
		}
	}
	slices.SortFunc(fromDaemon, firing.compare)

	rep, err := backtest.Run(context.Background(), backtest.Options{SLOs: loadSpecs(t, filepath.Join(dir, "specs")),
		Querier: e, From: from, To: to, Step: step})
	if err != nil {
		t.Fatal(err)
	}
	got := backtestFirings(rep)
	slices.SortFunc(got, firing.compare)
	raised := map[firing]bool{}
	for _, f := range fromDaemon {
		raised[firing{Kind: f.Kind, Severity: f.Severity}] = true
	}
	if !raised[firing{Kind: alerting.KindBurn, Severity: slo.Page}] || !raised[firing{Kind: alerting.KindBurn, Severity: slo.Ticket}] ||
		!raised[firing{Kind: alerting.KindExhaustion, Severity: slo.Ticket}] || !raised[firing{Kind: alerting.KindBudgetSpent, Severity: slo.Page}] {
		t.Fatalf("the daemon raised %+v; the outage should page, then ticket, warn of the budget's exhaustion and spend it", fromDaemon)
	}
	if !slices.Equal(got, fromDaemon) {
		t.Errorf("backtest fired\n%+v\nthe daemon fired\n%+v", got, fromDaemon)
	}
}

// daemonIncidents reads the daemon's incidents from its API.
func daemonIncidents(t *testing.T, d *daemon.Daemon) []alerting.Incident {
	t.Helper()
	rec := httptest.NewRecorder()
	d.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/alerts", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/alerts: %d %s", rec.Code, rec.Body)
	}
	var body struct {
		Incidents []alerting.Incident `json:"incidents"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	return body.Incidents
}

func TestPrefetchedAnswersChangeNoAlert(t *testing.T) {
	e := loadOutage(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "api.yaml"), apiSpec)
	slos := loadSpecs(t, dir)
	opts := backtest.Options{SLOs: slos, Querier: e, From: outageStart.Add(-2 * time.Hour), To: outageStart.Add(10 * time.Hour), Step: time.Minute}
	prefetched, err := backtest.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.NoPrefetch = true
	direct, err := backtest.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := backtestFirings(prefetched), backtestFirings(direct); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("with prefetching, alerts\n%+v\nquerying every evaluation\n%+v", got, want)
	}
	p, d := prefetched.SLOs[0], direct.SLOs[0]
	if diff := p.BudgetConsumed - d.BudgetConsumed; diff > 1e-9 || diff < -1e-9 {
		t.Errorf("budget consumed %v with prefetching, %v without", p.BudgetConsumed, d.BudgetConsumed)
	}
	sent := prefetched.Queries.InstantQueries + prefetched.Queries.RangeQueries
	if all := direct.Queries.InstantQueries + direct.Queries.RangeQueries; sent*10 > all {
		t.Errorf("prefetching sent %d queries, querying every evaluation %d: not ten times fewer", sent, all)
	}
}
