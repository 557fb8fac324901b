package web_test

import (
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

// fixtureAt is when the fixture snapshot was evaluated.
var fixtureAt = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// hostile is spec text that tries to run a script.
const hostile = `<script>window.__pwned=1</script>`

const fixtureSpecs = `version: burnwatch/v1
team: checkout
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
    objective: 99.95
    period: month
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="payments"}
---
version: burnwatch/v1
team: search
labels:
  note: "` + hostile + `"
slos:
  - name: query-latency
    service: search
    description: "` + hostile + `"
    objective: 99
    sli:
      latency:
        metric: traces_span_metrics_duration_seconds_bucket{service_name="search"}
        threshold: 500ms
---
version: burnwatch/v1
team: fulfilment
slos:
  - name: messages-processed
    service: order-consumer
    objective: 99.5
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="order-consumer"}
  - name: idle
    service: inventory
    objective: 99
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="inventory"}
`

func loadFixtureSLOs(t testing.TB) map[string]*slo.SLO {
	t.Helper()
	set, diags := slo.LoadBytes("specs.yaml", []byte(fixtureSpecs))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	out := map[string]*slo.SLO{}
	for _, s := range set.SLOs {
		out[s.ID] = s
	}
	return out
}

// fakeStatus is an ok status of s whose every window burns at burn(w) and
// whose budget has `remaining` left, the way the evaluator would say it.
func fakeStatus(s *slo.SLO, remaining float64, burn func(w time.Duration) float64) burnrate.Status {
	st := burnrate.Status{SLO: s, At: fixtureAt, State: burnrate.StateOK}
	var windows []time.Duration
	for _, w := range burnrate.Policy(s) {
		windows = append(windows, w.Short, w.Long)
	}
	slices.Sort(windows)
	windows = slices.Compact(windows)
	budget := s.ErrorBudget()
	for _, w := range windows {
		b := burn(w)
		valid := float64(w/time.Minute) * 100
		st.Windows = append(st.Windows, burnrate.WindowStatus{
			Window: w, Valid: valid, Good: valid * (1 - b*budget), ErrorRatio: b * budget, BurnRate: b,
		})
	}
	for _, w := range burnrate.Policy(s) {
		long, short := burn(w.Long), burn(w.Short)
		st.Alerts = append(st.Alerts, burnrate.AlertStatus{
			Window: w, LongBurnRate: long, ShortBurnRate: short, Firing: long > w.Factor && short > w.Factor,
		})
	}
	start, end := s.Period.Bounds(fixtureAt)
	st.Budget = burnrate.Budget{
		PeriodStart: start, PeriodEnd: end, ErrorRatio: (1 - remaining) * budget,
		Remaining: remaining, Consumed: 1 - remaining,
	}
	if len(st.Alerts) > 0 {
		st.Budget.ExhaustedIn, st.Budget.Exhausts = burnrate.TimeToExhaustion(remaining, st.Alerts[0].LongBurnRate, s.Period.Nominal())
	}
	return st
}

func constant(v float64) func(time.Duration) float64 { return func(time.Duration) float64 { return v } }

// fixtureSnapshot has one SLO in each state: a page firing, a burning one,
// a healthy one, a hostile one, a failed evaluation and one without data.
func fixtureSnapshot(t testing.TB) *web.Snapshot {
	t.Helper()
	slos := loadFixtureSLOs(t)
	failed := burnrate.Status{
		SLO: slos["order-consumer/messages-processed"], At: fixtureAt, State: burnrate.StateError,
		Reason: `query "sum(increase(calls[5m]))": connection refused`,
	}
	noData := fakeStatus(slos["inventory/idle"], 1, constant(math.NaN()))
	noData.State, noData.Reason = burnrate.StateNoData, "no valid events in the last 30d"
	return &web.Snapshot{
		At: fixtureAt,
		Statuses: []burnrate.Status{
			fakeStatus(slos["checkout/requests-availability"], 0.9, constant(0.2)),
			failed,
			fakeStatus(slos["search/query-latency"], 0.95, constant(0.1)),
			fakeStatus(slos["checkout/requests-latency"], 0.3, constant(20)),
			noData,
			fakeStatus(slos["payments/authorize-errors"], 0.6, func(w time.Duration) float64 {
				if w <= time.Hour {
					return 2 // burning, below every threshold
				}
				return 0.5
			}),
		},
		Incidents: []alerting.Incident{
			{
				Key: "checkout/requests-latency/page/1", SLOID: "checkout/requests-latency", Kind: alerting.KindBurn,
				Severity: "page", State: alerting.IncidentFiring,
				Summary:   "checkout/requests-latency burns its error budget 20× too fast over 1h (page above 14.4×).",
				StartedAt: fixtureAt.Add(-25 * time.Minute), LastNotifiedAt: fixtureAt.Add(-25 * time.Minute),
				Windows: []alerting.BurnWindow{
					{Long: "1h", Short: "5m", Factor: 14.4, LongBurnRate: 20, ShortBurnRate: 20, Firing: true},
					{Long: "6h", Short: "30m", Factor: 6, LongBurnRate: math.NaN(), ShortBurnRate: math.Inf(1)},
				},
				Traces: []alerting.TraceLink{{
					TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", URL: "http://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736",
					Value: 3.2, Reason: "latency 3.2s > 2s", At: fixtureAt.Add(-2 * time.Minute),
				}},
				Deliveries: []alerting.Delivery{
					{NotificationID: "n1", Receiver: "pagerduty", Status: alerting.Firing, State: alerting.DeliverySent, Attempts: 1, QueuedAt: fixtureAt.Add(-25 * time.Minute), SentAt: fixtureAt.Add(-25 * time.Minute)},
					{NotificationID: "n1", Receiver: "slack", Status: alerting.Firing, State: alerting.DeliveryPending, Attempts: 3, LastError: "slack answered 503", QueuedAt: fixtureAt.Add(-25 * time.Minute)},
				},
			},
			{
				Key: "payments/authorize-errors/ticket/1", SLOID: "payments/authorize-errors", Kind: alerting.KindBurn,
				Severity: "ticket", State: alerting.IncidentResolved, Summary: "payments/authorize-errors burned 3.4× over 1d.",
				StartedAt: fixtureAt.Add(-5 * time.Hour), ResolvedAt: fixtureAt.Add(-1 * time.Hour),
			},
		},
	}
}

// newFixtureServer serves the dashboard over the fixture snapshot, with
// the options given (Snapshot is filled in when nil).
func newFixtureServer(t testing.TB, opts web.Options) *httptest.Server {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Snapshot == nil {
		snap := fixtureSnapshot(t)
		opts.Snapshot = func() *web.Snapshot { return snap }
	}
	h, err := web.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// get fetches a path and returns the response and its body.
func get(t testing.TB, srv *httptest.Server, path string, header ...string) (*http.Response, string) {
	t.Helper()
	return request(t, srv, http.MethodGet, path, header...)
}

func request(t testing.TB, srv *httptest.Server, method, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

// order returns the positions of each needle in s, -1 when missing.
func positions(s string, needles ...string) []int {
	out := make([]int, len(needles))
	for i, n := range needles {
		out[i] = strings.Index(s, n)
	}
	return out
}
