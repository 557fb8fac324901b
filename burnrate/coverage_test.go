package burnrate_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
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

func TestANewServiceIsLookedUpOverTheTimeSinceTheLastLookup(t *testing.T) {
	// checkout has two days of history; cart appears 30 minutes before
	// the end.
	minutes := 2 * 24 * 60
	series := errorSeries(minutes, steady(100, 0.001))
	cart := strings.ReplaceAll(errorSeries(30, steady(100, 0.001)), `"checkout"`, `"cart"`)
	var shifted strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(cart), "\n") {
		name, values, _ := strings.Cut(line, " ")
		shifted.WriteString(name + " " + strings.Repeat("_ ", minutes-30) + values + "\n")
	}
	eng := newEngine(t, series+shifted.String())
	checkout := loadSLO(t, errorsSpec)
	cartSLO := loadSLO(t, strings.ReplaceAll(errorsSpec, "checkout", "cart"))
	rec := &recordingEngine{q: eng}
	ev := burnrate.NewEvaluator(burnrate.Options{})
	first := epoch.Add(time.Duration(minutes-60) * time.Minute)
	ev.Evaluate(context.Background(), rec, []*slo.SLO{checkout, cartSLO}, first)
	rec.queries = nil
	at := epoch.Add(time.Duration(minutes-1) * time.Minute)
	st := ev.Evaluate(context.Background(), rec, []*slo.SLO{checkout, cartSLO}, at).Statuses
	if c := st[1].Budget.Covered; c < 25*time.Minute || c > 30*time.Minute {
		t.Errorf("cart's budget covers %s, want about 29m", c)
	}
	if c := st[0].Budget.Covered; c != 30*24*time.Hour && c < 47*time.Hour {
		t.Errorf("checkout's budget covers %s, want its two days", c)
	}
	for _, q := range rec.queries {
		if strings.Contains(q, "timestamp(") && strings.Contains(q, "[30d:") {
			t.Errorf("a reader seen an hour ago was looked up over the whole period again: %s", q)
		}
	}
}

func TestCoverageIsFoundToTheMinuteWhateverTheEvaluationInstant(t *testing.T) {
	// Two hours and a few minutes of history, evaluated off the minute and
	// off the coarse step: the first sample is found, not the last one
	// before a step.
	minutes := 2*60 + 4
	start := epoch.Add(2*time.Minute + 20*time.Second) // off every step
	eng, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	if err := eng.Load(context.Background(), start, time.Minute, errorSeries(minutes, steady(100, 0.0005))); err != nil {
		t.Fatal(err)
	}
	s := loadSLO(t, errorsSpec)
	for _, at := range []time.Time{start.Add(2*time.Hour + 150*time.Second), start.Add(2*time.Hour + 200*time.Second)} {
		st := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(context.Background(), eng, []*slo.SLO{s}, at).Statuses[0]
		held := at.Sub(start)
		if c := st.Budget.Covered; c < held-time.Minute || c > held {
			t.Errorf("at %s: budget covers %s, want %s to within a minute", held, c, held)
		}
	}
}
