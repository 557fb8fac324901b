package web

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// The deploy gate answers whether a service (or a team, or one SLO) may
// deploy now, from the SLOs' gate policies (slo.Gate) and the latest
// evaluation: GET /api/v1/gate?service=checkout. A deploy is denied when
// any selected SLO with a policy has less budget left than the policy's
// minimum, pages while its policy says deny_while_paging, or could not be
// evaluated (the gate fails closed). SLOs without a policy are listed and
// decide nothing. `burnwatch gate` asks it from a pipeline.

// GateAnswer is the deploy gate's answer, as JSON.
type GateAnswer struct {
	// Allow is the decision; Decision says it as "allow" or "deny".
	Allow    bool   `json:"allow"`
	Decision string `json:"decision"`
	// Selector is what was asked about: service, team or slo.
	Selector    map[string]string `json:"selector"`
	EvaluatedAt time.Time         `json:"evaluated_at"`
	// Reasons say why, one line each: every denial, or why it is allowed.
	Reasons []string  `json:"reasons"`
	SLOs    []GateSLO `json:"slos"`
}

// GateSLO is one selected SLO's part in the decision.
type GateSLO struct {
	ID string `json:"id"`
	// Gated is false for an SLO without a gate policy: it decides nothing.
	Gated              bool            `json:"gated"`
	Allow              bool            `json:"allow"`
	State              burnrate.State  `json:"state"`
	BudgetRemaining    burnrate.Number `json:"budget_remaining"`
	MinBudgetRemaining float64         `json:"min_budget_remaining"`
	DenyWhilePaging    bool            `json:"deny_while_paging"`
	Paging             bool            `json:"paging"`
	Reasons            []string        `json:"reasons"`
}

// gateSelector is what a gate request asks about.
type gateSelector struct {
	service, team, id string
}

func (g gateSelector) selects(s *slo.SLO) bool {
	return (g.service == "" || s.Service == g.service) && (g.team == "" || s.Team == g.team) && (g.id == "" || s.ID == g.id)
}

func (g gateSelector) asMap() map[string]string {
	out := map[string]string{}
	for k, v := range map[string]string{"service": g.service, "team": g.team, "slo": g.id} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// decideGate decides a gate request from a snapshot. ok is false when no
// SLO matches the selector.
func decideGate(snap *Snapshot, sel gateSelector) (GateAnswer, bool) {
	ans := GateAnswer{Allow: true, Selector: sel.asMap(), EvaluatedAt: snap.At.UTC(), Reasons: []string{}, SLOs: []GateSLO{}}
	paging := pagingSLOs(snap.Incidents)
	gated := 0
	for i := range snap.Statuses {
		st := &snap.Statuses[i]
		if !sel.selects(st.SLO) {
			continue
		}
		g := gateSLO(st, paging[st.SLO.ID])
		if g.Gated {
			gated++
		}
		if !g.Allow {
			ans.Allow = false
			for _, r := range g.Reasons {
				ans.Reasons = append(ans.Reasons, st.SLO.ID+": "+r)
			}
		}
		ans.SLOs = append(ans.SLOs, g)
	}
	if len(ans.SLOs) == 0 {
		return ans, false
	}
	switch {
	case gated == 0:
		ans.Reasons = append(ans.Reasons, fmt.Sprintf("none of the %d selected SLOs has a gate policy", len(ans.SLOs)))
	case ans.Allow:
		ans.Reasons = append(ans.Reasons, fmt.Sprintf("all %d gated SLOs have the budget their policies ask for and none pages", gated))
	}
	ans.Decision = "deny"
	if ans.Allow {
		ans.Decision = "allow"
	}
	return ans, true
}

// gateSLO applies one SLO's policy to its status.
func gateSLO(st *burnrate.Status, pagingSince time.Time) GateSLO {
	s := st.SLO
	remaining := st.Budget.Remaining
	if st.State == burnrate.StateError {
		remaining = math.NaN()
	}
	g := GateSLO{ID: s.ID, Allow: true, State: st.State, BudgetRemaining: burnrate.Number(remaining), Reasons: []string{},
		Paging: st.Firing() == slo.Page || !pagingSince.IsZero()}
	if s.Gate == nil {
		return g
	}
	g.Gated, g.MinBudgetRemaining, g.DenyWhilePaging = true, s.Gate.MinBudgetRemaining, s.Gate.DenyWhilePaging
	deny := func(format string, args ...any) {
		g.Allow = false
		g.Reasons = append(g.Reasons, fmt.Sprintf(format, args...))
	}
	if st.State == burnrate.StateError {
		deny("could not be evaluated, so its budget is unknown: %s", st.Reason)
	}
	if floor := s.Gate.MinBudgetRemaining; floor > 0 && !math.IsNaN(remaining) && remaining < floor {
		deny("%s of the error budget left, below the gate's minimum of %s", percent(remaining), percent(floor))
	}
	if s.Gate.DenyWhilePaging && g.Paging {
		if pagingSince.IsZero() {
			deny("its page rule fires")
		} else {
			deny("it pages, since %s", pagingSince.UTC().Format(time.RFC3339))
		}
	}
	return g
}

// pagingSLOs maps each SLO with a firing page burn incident to when it
// began.
func pagingSLOs(incidents []alerting.Incident) map[string]time.Time {
	out := map[string]time.Time{}
	for _, inc := range incidents {
		if inc.Kind == alerting.KindBurn && inc.Severity == slo.Page && inc.State == alerting.IncidentFiring {
			out[inc.SLOID] = inc.StartedAt
		}
	}
	return out
}

// apiGate answers GET /api/v1/gate?service=…|team=…|slo=…: 200 with the
// decision (allow or deny), 400 without a selector, 404 when nothing
// matches, 503 before the first evaluation.
func (s *server) apiGate(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sel := gateSelector{service: q.Get("service"), team: q.Get("team"), id: q.Get("slo")}
	if sel == (gateSelector{}) {
		writeJSONError(w, http.StatusBadRequest, "name what deploys: ?service=NAME, ?team=NAME or ?slo=SERVICE/NAME")
		return
	}
	snap := s.snapshot()
	if snap == nil {
		writeWaiting(w)
		return
	}
	ans, ok := decideGate(snap, sel)
	if !ok {
		writeJSONError(w, http.StatusNotFound, "no SLO matches "+fmt.Sprint(sel.asMap()))
		return
	}
	s.writeJSON(w, r, ans)
}
