package burnrate_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// withCorrection adds a one-off correction over [from, to) minutes after
// epoch to an SLO of errorsSpec.
func withCorrection(t *testing.T, from, to int) *slo.SLO {
	t.Helper()
	at := func(m int) string { return epoch.Add(time.Duration(m) * time.Minute).Format(time.RFC3339) }
	return loadSLO(t, errorsSpec+fmt.Sprintf(`    corrections:
      - reason: upstream outage, not ours
        from: %s
        to: %s
`, at(from), at(to)))
}

func TestAnOutageInsideACorrectionNeitherAlertsNorSpendsBudget(t *testing.T) {
	warmup := 3*24*60 + 6*60
	tr := incident(steady(100, 0.0001), warmup, warmup+30, 1)
	eng := newEngine(t, errorSeries(warmup+180, tr))
	start := time.Duration(warmup-1) * time.Minute
	// Minute m's sample carries the calls since minute m−1: the outage's
	// events are those of the samples at minutes warmup … warmup+29.
	corrected := withCorrection(t, warmup-1, warmup+30)
	plain := loadSLO(t, errorsSpec)

	for _, opts := range []burnrate.Options{{}, {Exact: true}} {
		t.Run(fmt.Sprintf("exact=%v", opts.Exact), func(t *testing.T) {
			if got := firstFiring(t, burnrate.NewEvaluator(opts), eng, plain, slo.Page, start, start+90*time.Minute, 30*time.Second); got < 0 {
				t.Fatal("without the correction the outage never paged: the scenario tests nothing")
			}
			ev := burnrate.NewEvaluator(opts)
			step := time.Minute
			if opts.Exact {
				step = 7 * time.Minute // every query scans the whole window
			}
			for at := start; at <= start+100*time.Minute; at += step {
				st := ev.Evaluate(context.Background(), eng, []*slo.SLO{corrected}, epoch.Add(at)).Statuses[0]
				if st.State != burnrate.StateOK {
					t.Fatalf("at %s: state %s (%s), want ok", at-start, st.State, st.Reason)
				}
				if tier := st.Firing(); tier != "" {
					t.Fatalf("at %s after the outage began: the %s tier fired from corrected events", at-start, tier)
				}
				for _, w := range st.Windows {
					if w.BurnRate > 1 {
						t.Fatalf("at %s: burn rate over %s is %.2f, want the baseline's 0.1", at-start, burnrate.FormatWindow(w.Window), w.BurnRate)
					}
				}
				if st.Budget.Remaining < 0.85 {
					t.Fatalf("at %s: %.1f%% of the budget left, want the baseline's ~90%%", at-start, st.Budget.Remaining*100)
				}
			}
			plainSt := burnrate.NewEvaluator(opts).Evaluate(context.Background(), eng, []*slo.SLO{plain}, epoch.Add(start+150*time.Minute)).Statuses[0]
			if plainSt.Budget.Remaining > 0 {
				t.Errorf("without the correction %.1f%% of the budget is left; the outage should have spent it", plainSt.Budget.Remaining*100)
			}
		})
	}
}

func TestAWindowWhollyCorrectedIsNotMissingData(t *testing.T) {
	// The service is stopped for maintenance: its series have no samples
	// for 20 minutes, longer than the lookback.
	warmup, gap := 6*60, 20
	series := errorSeries(warmup+60, steady(100, 0))
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(series), "\n") {
		sel, values, _ := strings.Cut(line, " ")
		vs := strings.Fields(values)
		for m := warmup; m < warmup+gap; m++ {
			vs[m] = "_"
		}
		b.WriteString(sel + " " + strings.Join(vs, " ") + "\n")
	}
	eng := newEngine(t, b.String())
	tests := []struct {
		name       string
		s          *slo.SLO
		wantNoData bool
	}{
		{"without a correction the gap is missing data", loadSLO(t, errorsSpec), true},
		{"inside a correction the gap is not missing data", withCorrection(t, warmup-1, warmup+gap+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := burnrate.NewEvaluator(burnrate.Options{})
			st := ev.Evaluate(context.Background(), eng, []*slo.SLO{tt.s}, epoch.Add(time.Duration(warmup+gap-2)*time.Minute)).Statuses[0]
			if got := st.State == burnrate.StateNoData; got != tt.wantNoData {
				t.Fatalf("state %s (%s), want no data = %v", st.State, st.Reason, tt.wantNoData)
			}
			if tt.wantNoData {
				return
			}
			w, _ := st.Window(5 * time.Minute)
			if w.Corrected != 5*time.Minute || w.Valid != 0 || !math.IsNaN(w.BurnRate) {
				t.Errorf("5m window: corrected %s, valid %v, burn rate %v; want wholly corrected, no events, no burn rate", w.Corrected, w.Valid, w.BurnRate)
			}
		})
	}
}

func TestHistoryLeavesCorrectedEventsOut(t *testing.T) {
	warmup := 3*24*60 + 6*60
	tr := incident(steady(100, 0.0001), warmup, warmup+30, 1)
	eng := newEngine(t, errorSeries(warmup+180, tr))
	at := epoch.Add(time.Duration(warmup+170) * time.Minute)
	tests := []struct {
		name           string
		s              *slo.SLO
		wantSpent      bool
		wantCorrection bool
	}{
		{"without a correction the outage spends the budget", loadSLO(t, errorsSpec), true, false},
		{"with a correction over the outage the budget is the baseline's", withCorrection(t, warmup-1, warmup+30), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := burnrate.History(context.Background(), eng, tt.s, at, burnrate.HistoryOptions{Points: 720})
			if err != nil {
				t.Fatal(err)
			}
			last := h.BudgetRemaining[len(h.BudgetRemaining)-1].Value
			if spent := last <= 0; spent != tt.wantSpent {
				t.Errorf("budget left at the end = %.1f%%, want spent = %v", last*100, tt.wantSpent)
			}
			if got := len(h.Corrections) == 1 && h.Corrections[0].Reason == "upstream outage, not ours"; got != tt.wantCorrection {
				t.Errorf("corrections = %v, want the outage's = %v", h.Corrections, tt.wantCorrection)
			}
			peak := 0.0
			for _, bs := range h.BurnRates {
				for _, p := range bs.Points {
					if !math.IsNaN(p.Value) {
						peak = math.Max(peak, p.Value)
					}
				}
			}
			if burning := peak > 14.4; burning != tt.wantSpent {
				t.Errorf("peak burn rate %.1f, want above the page factor = %v", peak, tt.wantSpent)
			}
		})
	}
}
