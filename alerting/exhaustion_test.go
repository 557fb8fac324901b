package alerting

import (
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

func budgetSLO(t *testing.T, period string) *slo.SLO {
	t.Helper()
	set, diags := slo.LoadBytes("spec.yaml", []byte(`version: burnwatch/v1
team: checkout
slos:
  - name: budget
    service: checkout
    objective: 99.9
    period: `+period+`
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="checkout"}
    alerting:
      exhaustion: {within: 3d, window: 6h}
      budget_spent: {severity: page}
`))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return set.SLOs[0]
}

// budgetEval is an evaluation of budgetSLO: the budget left and, when the
// exhaustion alert holds, how soon it runs out.
type budgetEval struct {
	remaining float64
	soon      time.Duration // 0: the alert does not hold
}

func (e budgetEval) status(s *slo.SLO, at time.Time) burnrate.Status {
	start, end := s.Period.Bounds(at)
	st := burnrate.Status{SLO: s, At: at, State: burnrate.StateOK,
		Budget: burnrate.Budget{PeriodStart: start, PeriodEnd: end, Remaining: e.remaining}}
	ex := burnrate.ExhaustionStatus{Exhaustion: *s.Alerting.Exhaustion, BurnRate: 2}
	if e.soon > 0 {
		ex.In, ex.Exhausts, ex.Firing = e.soon, true, true
	}
	st.Exhaustion = &ex
	return st
}

func describeBudget(trs []transition) string {
	var out []string
	for _, tr := range trs {
		d := describe(tr)
		if tr.silent {
			d += " silently"
		}
		out = append(out, d)
	}
	return strings.Join(out, "; ")
}

func TestBudgetIncidents(t *testing.T) {
	week, rolling := budgetSLO(t, "week"), budgetSLO(t, "7d")
	p := policy{repeat: 4 * time.Hour, failingCycles: 2, failingSeverity: slo.Ticket, noDataAfter: time.Hour}
	// start is a Monday 10:00 UTC: the week began 10 hours earlier.
	type cycle struct {
		at   time.Duration
		eval budgetEval
		want string
	}
	tests := []struct {
		name   string
		s      *slo.SLO
		cycles []cycle
	}{
		{"an exhaustion alert fires, repeats and resolves like a burn alert", week, []cycle{
			{0, budgetEval{0.5, 0}, ""},
			{time.Hour, budgetEval{0.4, 50 * time.Hour}, "budget_exhaustion firing ticket"},
			{2 * time.Hour, budgetEval{0.35, 40 * time.Hour}, ""},
			{5 * time.Hour, budgetEval{0.3, 30 * time.Hour}, "budget_exhaustion firing ticket repeat"},
			{6 * time.Hour, budgetEval{0.3, 0}, "budget_exhaustion resolved ticket recovered"},
		}},
		{"a spent calendar budget is notified once, and closed silently when the next week begins", week, []cycle{
			{0, budgetEval{0.01, 0}, ""},
			{time.Hour, budgetEval{-0.1, 0}, "budget_spent firing page"},
			{5 * time.Hour, budgetEval{-0.3, 0}, ""},
			{3 * 24 * time.Hour, budgetEval{-0.5, 0}, ""},
			{7 * 24 * time.Hour, budgetEval{1, 0}, "budget_spent resolved page recovered silently"},
			{8 * 24 * time.Hour, budgetEval{-0.01, 0}, "budget_spent firing page"},
		}},
		{"a rolling budget that recovers and is spent again within a period is not notified again", rolling, []cycle{
			{0, budgetEval{-0.1, 0}, "budget_spent firing page"},
			{24 * time.Hour, budgetEval{0.2, 0}, ""},
			{48 * time.Hour, budgetEval{-0.2, 0}, ""},
			{7 * 24 * time.Hour, budgetEval{-0.1, 0}, ""},
			{8 * 24 * time.Hour, budgetEval{0.3, 0}, "budget_spent resolved page recovered silently"},
			{9 * 24 * time.Hour, budgetEval{-0.1, 0}, "budget_spent firing page"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newState()
			for _, c := range tt.cycles {
				at := start.Add(c.at)
				next, trs := step(s, []burnrate.Status{c.eval.status(tt.s, at)}, p, at)
				if got := describeBudget(trs); got != c.want {
					t.Errorf("at +%s: transitions %q, want %q", c.at, got, c.want)
				}
				s = next
			}
		})
	}
}
