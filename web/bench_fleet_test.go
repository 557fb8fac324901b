package web_test

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

// fleetSnapshot is the snapshot of a daemon that has evaluated n SLOs for
// a week: 50 teams, n/5 services, latency and availability SLOs with
// labels, one SLO in ten a member of a grouped SLO of ten, burn rates for
// every window of the workbook's policy (one SLO in fifty paging, one
// ticketing, one in ten burning faster than its budget allows), budgets
// counted over the whole period (a few over less, their series younger),
// some SLOs failing or without data, and the 200 incidents of the last
// week the daemon keeps: one firing on each firing SLO and each SLO
// without data, the rest resolved, with windows, traces and deliveries.
func fleetSnapshot(tb testing.TB, n int) *web.Snapshot {
	tb.Helper()
	fixture := loadFixtureSLOs(tb)
	kinds := []*slo.SLO{fixture["checkout/requests-latency"], fixture["checkout/requests-availability"], fixture["payments/authorize-errors"]}
	snap := &web.Snapshot{At: fixtureAt}
	var grouped *slo.SLO
	for i := range n {
		s := *kinds[i%len(kinds)]
		s.Team = fmt.Sprintf("team-%02d", i%50)
		s.Service = fmt.Sprintf("service-%03d", i%(n/5))
		s.Name = fmt.Sprintf("slo-%04d", i)
		s.ID = s.Service + "/" + s.Name
		s.Description = "Requests of " + s.Service + " are served within their objective."
		s.Labels = map[string]string{"tier": fmt.Sprint(i % 3), "owner": s.Team, "env": "production"}
		sl := &s
		if i%100 < 10 { // ten members of one grouped SLO in every hundred
			if i%100 == 0 {
				g := s
				g.GroupBy = []string{"span_name"}
				grouped = &g
			}
			m, err := slo.ExpandGroup(grouped, []string{fmt.Sprintf("GET /api/v1/items/%d", i%100)})
			if err != nil {
				tb.Fatal(err)
			}
			sl = m
		}
		burn := float64(i%37) / 40
		switch {
		case i%50 == 3:
			burn = 20 // pages
		case i%50 == 4:
			burn = 4 // tickets
		}
		st := fakeStatus(sl, 1-float64(i%101)/110, func(w time.Duration) float64 {
			if i%10 == 5 && w <= time.Hour {
				return 1.5 // burning over the last hour, below every threshold
			}
			return burn * (1 + float64(w%time.Hour)/float64(time.Hour)/4)
		})
		st.Budget.Covered = st.Budget.PeriodEnd.Sub(st.Budget.PeriodStart)
		for j := range st.Windows {
			st.Windows[j].Covered = st.Windows[j].Window
		}
		switch i % 40 {
		case 0:
			st.State, st.Reason = burnrate.StateError, `query "sum(increase(traces_span_metrics_calls_total[5m]))": connection refused`
		case 1:
			st.State, st.Reason, st.Budget.Remaining = burnrate.StateNoData, "no valid events in the last 30d", math.NaN()
		case 2: // young series: two days of data
			st.Budget.Covered = 48 * time.Hour
			for j := range st.Windows {
				st.Windows[j].Covered = min(st.Windows[j].Window, 48*time.Hour)
			}
		}
		snap.Statuses = append(snap.Statuses, st)
	}
	incident := func(st *burnrate.Status, i int) alerting.Incident {
		return alerting.Incident{
			Key: fmt.Sprintf("%s/page/%d", st.SLO.ID, i), SLOID: st.SLO.ID, Kind: alerting.KindBurn, Severity: "page",
			State:     alerting.IncidentFiring,
			Summary:   st.SLO.ID + " burns its error budget 20× too fast over 1h (page above 14.4×).",
			StartedAt: fixtureAt.Add(-time.Duration(i) * 50 * time.Minute), LastNotifiedAt: fixtureAt.Add(-time.Duration(i) * 50 * time.Minute),
			Windows: []alerting.BurnWindow{
				{Long: "1h", Short: "5m", Factor: 14.4, LongBurnRate: 20, ShortBurnRate: 21, Firing: true},
				{Long: "6h", Short: "30m", Factor: 6, LongBurnRate: 4.2, ShortBurnRate: math.NaN()},
			},
			Traces: []alerting.TraceLink{{
				TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", URL: "http://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736",
				Value: 3.2, Reason: "latency 3.2s > 2s", At: fixtureAt.Add(-2 * time.Minute),
			}},
			Receivers: []string{"pagerduty", "slack"},
			Deliveries: []alerting.Delivery{
				{NotificationID: fmt.Sprint("n", i), Receiver: "pagerduty", Status: alerting.Firing, State: alerting.DeliverySent, Attempts: 1},
				{NotificationID: fmt.Sprint("n", i), Receiver: "slack", Status: alerting.Firing, State: alerting.DeliverySent, Attempts: 1},
			},
		}
	}
	for i := range snap.Statuses {
		st := &snap.Statuses[i]
		switch {
		case st.State == burnrate.StateNoData:
			in := incident(st, i)
			in.Kind, in.Key, in.Severity = alerting.KindNoData, st.SLO.ID+"/no-data", "ticket"
			snap.Incidents = append(snap.Incidents, in)
		case st.Firing() != "":
			in := incident(st, i)
			in.Severity = st.Firing()
			snap.Incidents = append(snap.Incidents, in)
		}
	}
	for i := 0; len(snap.Incidents) < 200; i++ {
		in := incident(&snap.Statuses[(i*7)%n], i)
		in.State, in.ResolvedAt = alerting.IncidentResolved, in.StartedAt.Add(40*time.Minute)
		snap.Incidents = append(snap.Incidents, in)
	}
	return snap
}

// BenchmarkDashboard2000 times the overview and /api/v1/slos of 2,000
// SLOs (fleetSnapshot) as one request each through the router, the body
// read to its end: a request that reads the snapshot the last one read
// (as every request does once Dashboard.Prepare has prepared it), and one
// that reads a snapshot no request has read, as the first one after a
// cycle does without Prepare.
//
//	go test -run '^$' -bench Dashboard2000 -count 6 ./web
func BenchmarkDashboard2000(b *testing.B) {
	for _, page := range []struct{ name, path string }{{"overview", "/"}, {"api-slos", "/api/v1/slos"}} {
		for _, snapshot := range []string{"same", "new"} {
			b.Run("page="+page.name+"/snapshot="+snapshot, func(b *testing.B) {
				var current atomic.Pointer[web.Snapshot]
				current.Store(fleetSnapshot(b, 2000))
				h, err := web.New(web.Options{Snapshot: current.Load})
				if err != nil {
					b.Fatal(err)
				}
				req := httptest.NewRequest(http.MethodGet, page.path, nil)
				if snapshot == "same" { // read before the timer starts, as by Prepare
					h.ServeHTTP(httptest.NewRecorder(), req)
				}
				b.ReportAllocs()
				for b.Loop() {
					if snapshot == "new" {
						snap := *current.Load()
						current.Store(&snap)
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d", rec.Code)
					}
					b.SetBytes(int64(rec.Body.Len()))
					io.Copy(io.Discard, rec.Body)
				}
			})
		}
	}
}
