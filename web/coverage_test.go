package web_test

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/web"
)

// noDataSince is when the fixture's silent SLO lost its data.
var noDataSince = fixtureAt.Add(-90 * time.Minute)

// youngSnapshot is the fixture as a Prometheus with two hours of history
// sees it: the latency SLO's budget and its windows longer than 2h cover
// only those two hours, the payments SLO's month only its last 90
// minutes; the SLO without data has a no-data incident, and
// the availability SLO a page held open since its data went away.
func youngSnapshot(t testing.TB) *web.Snapshot {
	t.Helper()
	snap := fixtureSnapshot(t)
	for i := range snap.Statuses {
		st := &snap.Statuses[i]
		switch st.SLO.ID {
		case "checkout/requests-latency":
			st.Budget.Remaining, st.Budget.Consumed, st.Budget.Covered = -68.91, 69.91, 2*time.Hour
			for j := range st.Windows {
				st.Windows[j].Covered = min(st.Windows[j].Window, 2*time.Hour)
			}
		case "payments/authorize-errors":
			st.Budget.Covered = 90 * time.Minute
		case "checkout/requests-availability":
			st.State, st.Reason = burnrate.StateNoData, "no series answered the valid-events query over 5m"
		}
	}
	snap.Incidents = append(snap.Incidents,
		alerting.Incident{
			Key: "inventory/idle/no_data/1", SLOID: "inventory/idle", Kind: alerting.KindNoData,
			Severity: "ticket", State: alerting.IncidentFiring, Summary: "inventory/idle has had no data since 2026-03-02T10:30:00Z",
			StartedAt: noDataSince, LastNotifiedAt: noDataSince.Add(10 * time.Minute),
		},
		alerting.Incident{
			Key: "checkout/requests-availability/page/1", SLOID: "checkout/requests-availability", Kind: alerting.KindBurn,
			Severity: "page", State: alerting.IncidentFiring, Summary: "checkout/requests-availability is held open",
			StartedAt: fixtureAt.Add(-3 * time.Hour), LastNotifiedAt: fixtureAt.Add(-time.Hour),
			NoDataSince: fixtureAt.Add(-40 * time.Minute),
			Windows:     []alerting.BurnWindow{{Long: "1h", Short: "5m", Factor: 14.4, LongBurnRate: math.NaN(), ShortBurnRate: math.NaN(), Firing: true}},
		},
	)
	return snap
}

func newYoungServer(t *testing.T) *httptest.Server {
	t.Helper()
	snap := youngSnapshot(t)
	return newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }})
}

func TestPagesSayHowMuchOfThePeriodAndWindowsTheDataCovers(t *testing.T) {
	srv := newYoungServer(t)
	tests := []struct {
		name, path string
		want       []string
		absent     []string
	}{
		{"The overview says over what the budget was counted.", "/", []string{
			"-6891.0%", "over the last 2h of 30d",
			"-6891.0% of the budget left over the last 2h of 30d",
			"over the last 1h 30m of this month",
		}, nil},
		{"The SLO page says over what the budget was counted and which windows are short.", "/slo/checkout/requests-latency", []string{
			"over the last 2h of 30d",
			"for the last 2h of the 30d period",
			`title="the data covers only the last 2h of this 6h window"`,
			`title="the data covers only the last 2h of this 3d window"`,
			"The data covers only the last 2h of the 6h window.",
			"The data covers only the last 2h of the 3d and 6h windows.",
		}, []string{
			"The data covers only the last 2h of the 1h",
			`title="the data covers only the last 2h of this 1h window"`,
			`title="the data covers only the last 2h of this 2h window"`,
		}},
		{"A page over the whole period says nothing of coverage.", "/slo/search/query-latency", nil, []string{
			"over the last", "the data covers only",
		}},
		{"The overview says since when an SLO has had no data.", "/", []string{
			"no data since 2026-03-02 10:30 UTC", "no data since 2026-03-02 11:20 UTC",
		}, nil},
		{"The SLO page says since when it has had no data.", "/slo/inventory/idle", []string{
			"no data since 2026-03-02 10:30 UTC",
		}, nil},
		{"A held incident says it is held for lack of data.", "/alerts", []string{
			`No data since <time datetime="2026-03-02T11:20:00Z">2026-03-02 11:20 UTC</time>; held open, not resolved.`,
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, srv, tt.path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d", tt.path, res.StatusCode)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s lacks %q", tt.path, w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(body, a) {
					t.Errorf("GET %s has %q", tt.path, a)
				}
			}
		})
	}
}

func TestTheAPISaysHowMuchOfThePeriodTheBudgetCoversAndSinceWhenDataIsMissing(t *testing.T) {
	srv := newYoungServer(t)
	var young map[string]any
	decode(t, mustGet(t, srv, "/api/v1/slos/checkout/requests-latency"), &young)
	budget := young["budget"].(map[string]any)
	if budget["covered_seconds"] != 7200.0 || budget["covered_label"] != "over the last 2h of 30d" {
		t.Errorf("budget covered_seconds, covered_label = %v, %v; want 7200, %q", budget["covered_seconds"], budget["covered_label"], "over the last 2h of 30d")
	}
	if got := young["windows"].(map[string]any)["6h"].(map[string]any)["covered_seconds"]; got != 7200.0 {
		t.Errorf("6h window covered_seconds = %v, want 7200", got)
	}
	if _, ok := young["no_data_since"]; ok {
		t.Errorf("an SLO with data has no_data_since %v", young["no_data_since"])
	}
	var whole map[string]any
	decode(t, mustGet(t, srv, "/api/v1/slos/search/query-latency"), &whole)
	if _, ok := whole["budget"].(map[string]any)["covered_label"]; ok {
		t.Errorf("a budget over the whole period has a covered_label")
	}
	var rep struct {
		SLOs []map[string]any `json:"slos"`
	}
	decode(t, mustGet(t, srv, "/api/v1/slos"), &rep)
	since := map[string]any{}
	for _, s := range rep.SLOs {
		since[s["id"].(string)] = s["no_data_since"]
	}
	for id, want := range map[string]any{
		"inventory/idle":                 "2026-03-02T10:30:00Z",
		"checkout/requests-availability": "2026-03-02T11:20:00Z",
		"checkout/requests-latency":      nil,
	} {
		if since[id] != want {
			t.Errorf("%s no_data_since = %v, want %v", id, since[id], want)
		}
	}
	var alerts struct {
		Incidents []map[string]any `json:"incidents"`
	}
	decode(t, mustGet(t, srv, "/api/v1/alerts"), &alerts)
	held := false
	for _, in := range alerts.Incidents {
		held = held || in["no_data_since"] == "2026-03-02T11:20:00Z"
	}
	if !held {
		t.Error("the held incident has no no_data_since in /api/v1/alerts")
	}
}

func mustGet(t *testing.T, srv *httptest.Server, path string) string {
	t.Helper()
	res, body := get(t, srv, path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, res.StatusCode, body)
	}
	return body
}
