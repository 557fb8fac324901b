package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// preparedSnapshot has two teams' SLOs: one burning with labels, one
// without data since an open incident, one whose evaluation failed.
func preparedSnapshot() *Snapshot {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	month := slo.Period{Rolling: 30 * 24 * time.Hour}
	policy := burnrate.DefaultWindows(month.Rolling)
	status := func(team, service, name string, state burnrate.State, burn float64) burnrate.Status {
		s := &slo.SLO{ID: service + "/" + name, Name: name, Team: team, Service: service, Objective: 99.9, Period: month,
			Labels: map[string]string{"tier": "1", "<b>": "&"}, Alerting: slo.Alerting{Windows: policy}}
		st := burnrate.Status{SLO: s, At: at, State: state, Budget: burnrate.Budget{Remaining: 0.4, Consumed: 0.6, Covered: 2 * time.Hour}}
		for _, w := range []time.Duration{5 * time.Minute, time.Hour, 24 * time.Hour} {
			st.Windows = append(st.Windows, burnrate.WindowStatus{Window: w, Valid: 100, Good: 99, ErrorRatio: 0.01, BurnRate: burn, Covered: w})
		}
		for _, w := range policy {
			st.Alerts = append(st.Alerts, burnrate.AlertStatus{Window: w, LongBurnRate: burn, ShortBurnRate: math.NaN(), Firing: burn > w.Factor})
		}
		return st
	}
	return &Snapshot{
		At: at,
		Statuses: []burnrate.Status{
			status("checkout", "checkout", "latency", burnrate.StateOK, 20),
			status("checkout", "cart", "availability", burnrate.StateNoData, math.NaN()),
			status("search", "search", "latency", burnrate.StateError, 0),
		},
		Incidents: []alerting.Incident{{SLOID: "cart/availability", Kind: alerting.KindNoData, State: alerting.IncidentFiring, StartedAt: at.Add(-time.Hour)}},
	}
}

func newPreparedServer(t *testing.T, snap func() *Snapshot) *Dashboard {
	t.Helper()
	d, err := New(Options{Snapshot: snap, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func serve(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestAPISLOsWritesWhatTheEncoderWritesOfTheReport(t *testing.T) {
	snap := preparedSnapshot()
	d := newPreparedServer(t, func() *Snapshot { return snap })
	for _, query := range []string{"", "?team=checkout", "?service=search", "?team=checkout&service=cart", "?team=nobody"} {
		t.Run("query "+query, func(t *testing.T) {
			f := parseFilter(httptest.NewRequest(http.MethodGet, "/"+query, nil).URL.Query())
			rep := slosReport{EvaluatedAt: snap.At, SLOs: []sloJSON{}}
			for i := range snap.Statuses {
				if f.keeps(&snap.Statuses[i]) {
					rep.SLOs = append(rep.SLOs, newSLOJSON(snap, &snap.Statuses[i]))
				}
			}
			var want bytes.Buffer
			if err := json.NewEncoder(&want).Encode(rep); err != nil {
				t.Fatal(err)
			}
			for n := range 2 { // building the answer's parts, then reusing them
				if got := serve(d, "/api/v1/slos"+query).Body.String(); got != want.String() {
					t.Errorf("answer %d\n%s\nwant\n%s", n+1, got, want.String())
				}
			}
		})
	}
}

func TestAPISLOsFailsOnlyWhenAnSLOItAnswersCannotBeEncoded(t *testing.T) {
	snap := preparedSnapshot()
	broken := *snap.Statuses[2].SLO
	broken.Objective = math.NaN() // JSON has no NaN
	snap.Statuses[2].SLO = &broken
	d := newPreparedServer(t, func() *Snapshot { return snap })
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"", http.StatusInternalServerError},
		{"?team=search", http.StatusInternalServerError},
		{"?team=checkout", http.StatusOK},
	} {
		rec := serve(d, "/api/v1/slos"+tc.query)
		if rec.Code != tc.want {
			t.Errorf("%q answered %d, want %d: %s", tc.query, rec.Code, tc.want, rec.Body)
		}
		if tc.want != http.StatusOK && !strings.Contains(rec.Body.String(), "could not be encoded") {
			t.Errorf("%q answered %s", tc.query, rec.Body)
		}
	}
}

func TestPrepareRendersWhatTheLastSnapshotsRequestsRead(t *testing.T) {
	first, second, third := preparedSnapshot(), preparedSnapshot(), preparedSnapshot()
	current := first
	d := newPreparedServer(t, func() *Snapshot { return current })
	d.Prepare() // nothing was read yet: nothing to prepare
	if d.s.prep != nil {
		t.Fatal("Prepare before any request prepared a snapshot")
	}
	serve(d, "/?team=checkout")
	current = second
	d.Prepare()
	if p := d.s.prep; p.snap != second || p.overview == nil || p.api != nil {
		t.Errorf("after the overview was read, Prepare left snapshot %t, overview %t, API %t; want the second, the overview only",
			p.snap == second, p.overview != nil, p.api != nil)
	}
	serve(d, "/api/v1/slos")
	current = third
	d.Prepare()
	if p := d.s.prep; p.snap != third || p.overview != nil || p.api == nil {
		t.Errorf("after the API was read, Prepare left snapshot %t, overview %t, API %t; want the third, the API only",
			p.snap == third, p.overview != nil, p.api != nil)
	}
}
