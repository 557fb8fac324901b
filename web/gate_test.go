package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

const gateSpecs = `version: burnwatch/v1
team: shop
gate: {min_budget_remaining: 10%}
slos:
  - name: availability
    service: checkout
    objective: 99.9
    sli: {raw: {error_ratio_query: 'rate(x[{{.window}}])'}}
  - name: latency
    service: checkout
    objective: 99
    sli: {raw: {error_ratio_query: 'rate(x[{{.window}}])'}}
    gate: {min_budget_remaining: 25%, deny_while_paging: true}
  - name: availability
    service: search
    objective: 99
    sli: {raw: {error_ratio_query: 'rate(x[{{.window}}])'}}
  - name: free
    service: docs
    objective: 99
    sli: {raw: {error_ratio_query: 'rate(x[{{.window}}])'}}
    gate: {}
`

func TestTheDeployGate(t *testing.T) {
	set, diags := slo.LoadBytes("shop.yaml", []byte(gateSpecs))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	status := func(id string, remaining float64, state burnrate.State) burnrate.Status {
		return burnrate.Status{SLO: set.Get(id), At: at, State: state, Reason: "query failed", Budget: burnrate.Budget{Remaining: remaining}}
	}
	snap := &web.Snapshot{At: at, Statuses: []burnrate.Status{
		status("checkout/availability", 0.40, burnrate.StateOK),
		status("checkout/latency", 0.30, burnrate.StateOK),
		status("search/availability", 0.05, burnrate.StateOK),
		status("docs/free", -2, burnrate.StateOK),
	}, Incidents: []alerting.Incident{{Key: "k", SLOID: "checkout/latency", Kind: alerting.KindBurn, Severity: slo.Page,
		State: alerting.IncidentFiring, StartedAt: at.Add(-10 * time.Minute)}}}
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }})

	tests := []struct {
		name        string
		query       string
		wantCode    int
		wantAllow   bool
		wantReasons []string
	}{
		{"a service whose gated SLO pages is denied", "service=checkout", http.StatusOK, false,
			[]string{"checkout/latency: it pages, since 2026-11-30T11:50:00Z"}},
		{"a service below its file's minimum budget is denied", "service=search", http.StatusOK, false,
			[]string{"search/availability: 5.0% of the error budget left, below the gate's minimum of 10.0%"}},
		{"one SLO with enough budget is allowed", "slo=checkout/availability", http.StatusOK, true,
			[]string{"all 1 gated SLOs have the budget their policies ask for and none pages"}},
		{"an SLO whose own policy asks nothing overrides its file's", "service=docs", http.StatusOK, true,
			[]string{"all 1 gated SLOs have the budget their policies ask for and none pages"}},
		{"a team is denied for each of its denials", "team=shop", http.StatusOK, false,
			[]string{"checkout/latency: it pages, since 2026-11-30T11:50:00Z", "search/availability: 5.0% of the error budget left, below the gate's minimum of 10.0%"}},
		{"a service nobody knows is not found", "service=nope", http.StatusNotFound, false, nil},
		{"a request that names nothing is refused", "", http.StatusBadRequest, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, srv, "/api/v1/gate?"+tt.query)
			if res.StatusCode != tt.wantCode {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tt.wantCode, body)
			}
			if tt.wantCode != http.StatusOK {
				return
			}
			var ans web.GateAnswer
			decode(t, body, &ans)
			if ans.Allow != tt.wantAllow || (ans.Decision == "allow") != tt.wantAllow {
				t.Errorf("allow = %v (%s), want %v", ans.Allow, ans.Decision, tt.wantAllow)
			}
			if got, want := strings.Join(ans.Reasons, "\n"), strings.Join(tt.wantReasons, "\n"); got != want {
				t.Errorf("reasons:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestTheGateFailsClosedOnAnSLOThatCannotBeEvaluated(t *testing.T) {
	set, diags := slo.LoadBytes("shop.yaml", []byte(gateSpecs))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	snap := &web.Snapshot{At: at, Statuses: []burnrate.Status{{SLO: set.Get("search/availability"), At: at,
		State: burnrate.StateError, Reason: "connection refused", Budget: burnrate.Budget{Remaining: 1}}}}
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }})
	_, body := get(t, srv, "/api/v1/gate?service=search")
	var ans web.GateAnswer
	decode(t, body, &ans)
	if ans.Allow || len(ans.Reasons) != 1 || !strings.Contains(ans.Reasons[0], "could not be evaluated") {
		t.Errorf("answer %+v, want a denial because the budget is unknown", ans)
	}
}
