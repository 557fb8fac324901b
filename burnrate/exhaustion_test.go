package burnrate_test

import (
	"context"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

func TestExhaustionFiresWhenTheBudgetRunsOutSoonerThanItsThreshold(t *testing.T) {
	spec := errorsSpec + `    alerting:
      exhaustion: {within: 7d, window: 6h}
`
	s := loadSLO(t, spec)
	// Three clean days, then 1% errors (burn rate 10) for twelve hours:
	// a 30-day budget lasts 3 days at that pace, sooner than 7.
	clean := 3 * 24 * 60
	tr := incident(steady(100, 0), clean, clean+12*60, 0.01)
	eng := newEngine(t, errorSeries(clean+12*60+1, tr))
	ev := burnrate.NewEvaluator(burnrate.Options{})
	tests := []struct {
		name       string
		at         int // minutes
		wantFiring bool
	}{
		{"before the errors nothing is spent", clean - 10, false},
		{"after six hours at burn rate 10 the budget runs out within days", clean + 6*60, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := ev.Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(time.Duration(tt.at)*time.Minute)).Statuses[0]
			ex := st.Exhaustion
			if ex == nil {
				t.Fatal("no exhaustion status for an SLO that asks for one")
			}
			if ex.Firing != tt.wantFiring {
				t.Errorf("firing = %v (burn rate %.2f over %s, budget lasts %s), want %v", ex.Firing, ex.BurnRate, ex.Window, ex.In, tt.wantFiring)
			}
			if tt.wantFiring && (ex.BurnRate < 9 || ex.BurnRate > 11 || ex.In > 3*24*time.Hour) {
				t.Errorf("burn rate %.2f, exhausted in %s; want about 10 and under 3 days", ex.BurnRate, ex.In)
			}
			if rep := burnrate.NewSLOReport(&st).Exhaustion; rep == nil || rep.Firing != tt.wantFiring || rep.Window != "6h" || rep.WithinSeconds != 7*24*3600 {
				t.Errorf("the report's exhaustion %+v does not say what the status says", rep)
			}
		})
	}
}
