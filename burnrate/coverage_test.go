package burnrate_test

import (
	"context"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

func TestAYoungPrometheusSaysHowMuchTheBudgetCovers(t *testing.T) {
	// Prometheus has held the metrics for two hours.
	minutes := 2*60 + 1
	eng := newEngine(t, errorSeries(minutes, steady(100, 0.0005)))
	at := epoch.Add(time.Duration(minutes-1) * time.Minute)
	for _, spec := range []string{errorsSpec, latencySpec} {
		s := loadSLO(t, spec)
		for _, opts := range []burnrate.Options{{}, {Exact: true}} {
			var series string
			if s.SLI.Kind == slo.SLILatency {
				series = latencySeries(minutes, steady(100, 0.0005))
				eng = newEngine(t, series)
			}
			ev := burnrate.NewEvaluator(opts)
			st := ev.Evaluate(context.Background(), eng, []*slo.SLO{s}, at).Statuses[0]
			if st.State != burnrate.StateOK {
				t.Fatalf("%s exact=%v: state %s: %s", s.ID, opts.Exact, st.State, st.Reason)
			}
			// The budget covers the two hours, not 30 days; a minute's slack
			// for where the first sample falls.
			if c := st.Budget.Covered; c < 2*time.Hour-2*time.Minute || c > 2*time.Hour {
				t.Errorf("%s exact=%v: budget covers %s, want about 2h of the 30d period", s.ID, opts.Exact, c)
			}
			for _, w := range st.Windows {
				want := min(w.Window, 2*time.Hour)
				if w.Covered < want-2*time.Minute || w.Covered > want {
					t.Errorf("%s exact=%v: window %s covers %s, want about %s", s.ID, opts.Exact, burnrate.FormatWindow(w.Window), w.Covered, want)
				}
			}
			// A second cycle reuses what the first found.
			st = ev.Evaluate(context.Background(), eng, []*slo.SLO{s}, at.Add(30*time.Second)).Statuses[0]
			if c := st.Budget.Covered; c < 2*time.Hour-2*time.Minute || c > 2*time.Hour+time.Minute {
				t.Errorf("%s exact=%v: second cycle: budget covers %s", s.ID, opts.Exact, c)
			}
		}
	}
}

func TestAnOldPrometheusCoversTheWholePeriod(t *testing.T) {
	minutes := 4 * 24 * 60
	eng := newEngine(t, errorSeries(minutes, steady(100, 0.0005)))
	s := loadSLO(t, errorsSpec)
	s.Period.Rolling = 3 * 24 * time.Hour
	s.Alerting.Windows = burnrate.DefaultWindows(3 * 24 * time.Hour)
	st := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(time.Duration(minutes-1)*time.Minute)).Statuses[0]
	if st.Budget.Covered != 3*24*time.Hour {
		t.Errorf("budget covers %s, want the whole 3d period", st.Budget.Covered)
	}
}
