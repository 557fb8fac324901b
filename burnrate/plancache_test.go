package burnrate

import (
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

func TestPlanCacheReusesAPlanWhileNothingItDependsOnChanges(t *testing.T) {
	errors := func(id string, p slo.Period) *slo.SLO {
		return &slo.SLO{ID: id, Objective: 0.999, Period: p,
			SLI: slo.SLI{Kind: slo.SLIErrors, Metric: "calls_total"}}
	}
	rolling := []*slo.SLO{errors("a", slo.Period{Rolling: 30 * 24 * time.Hour}), errors("b", slo.Period{Rolling: 7 * 24 * time.Hour})}
	calendar := []*slo.SLO{errors("c", slo.Period{Calendar: slo.Month, Location: time.UTC})}
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name         string
		first, then  []*slo.SLO
		thenAt       time.Time
		wantSamePlan bool
	}{
		{"the same rolling SLOs a cycle later reuse the plan", rolling, rolling, at.Add(30 * time.Second), true},
		{"another SLO set plans again", rolling, rolling[:1], at.Add(30 * time.Second), false},
		{"a calendar period's grown window plans again", calendar, calendar, at.Add(30 * time.Second), false},
		{"a calendar period at the same instant reuses the plan", calendar, calendar, at, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c planCache
			first := c.get(tc.first, at)
			then := c.get(tc.then, tc.thenAt)
			if same := first == then; same != tc.wantSamePlan {
				t.Errorf("same plan %v, want %v", same, tc.wantSamePlan)
			}
			if then.slos[0].slo != tc.then[0] || len(then.slos) != len(tc.then) {
				t.Errorf("the plan is for %d SLOs from %s, want %d from %s", len(then.slos), then.slos[0].slo.ID, len(tc.then), tc.then[0].ID)
			}
		})
	}
}
