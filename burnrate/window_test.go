package burnrate

import (
	"math"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

const day = 24 * time.Hour

func TestDefaultWindowsFollowTheWorkbook(t *testing.T) {
	tests := []struct {
		name    string
		period  time.Duration
		factors []float64
	}{
		{"30 days gives 14.4, 6, 3 and 1", 30 * day, []float64{14.4, 6, 3, 1}},
		{"28 days keeps the budget shares and scales the factors", 28 * day, []float64{13.44, 5.6, 2.8, 28.0 / 30}},
		{"a 2-day period drops the 3-day window", 2 * day, []float64{0.96, 0.4, 0.2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := DefaultWindows(tt.period)
			if len(ws) != len(tt.factors) {
				t.Fatalf("got %d windows, want %d", len(ws), len(tt.factors))
			}
			for i, w := range ws {
				if math.Abs(w.Factor-tt.factors[i]) > 1e-9 {
					t.Errorf("window %s/%s factor = %v, want %v", w.Long, w.Short, w.Factor, tt.factors[i])
				}
			}
		})
	}
}

func TestPolicyLeavesOutDisabledTiers(t *testing.T) {
	s := &slo.SLO{Period: slo.Period{Rolling: 30 * day}}
	s.Alerting.Ticket.Disabled = true
	for _, w := range Policy(s) {
		if w.Severity == slo.Ticket {
			t.Errorf("ticket window %s/%s kept although tickets are disabled", w.Long, w.Short)
		}
	}
	if got := len(Policy(s)); got != 2 {
		t.Errorf("got %d windows, want the 2 page windows", got)
	}
}

func TestBudgetMath(t *testing.T) {
	tests := []struct {
		name                    string
		ratio, budget           float64
		wantBurn, wantRemaining float64
		wantExhaustIn           time.Duration
		wantExhausts            bool
	}{
		{"a total outage of a 99.9% SLO burns at 1000", 1, 0.001, 1000, -999, 0, true},
		{"burning exactly the budget leaves nothing", 0.001, 0.001, 1, 0, 0, true},
		{"half the budget left at burn 0.5 lasts a whole period", 0.0005, 0.001, 0.5, 0.5, 30 * day, true},
		{"no errors spends nothing", 0, 0.001, 0, 1, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			burn := BurnRate(tt.ratio, tt.budget)
			remaining := BudgetRemaining(tt.ratio, tt.budget)
			if math.Abs(burn-tt.wantBurn) > 1e-9 || math.Abs(remaining-tt.wantRemaining) > 1e-9 {
				t.Errorf("burn %v remaining %v, want %v %v", burn, remaining, tt.wantBurn, tt.wantRemaining)
			}
			in, ok := TimeToExhaustion(remaining, burn, 30*day)
			if ok != tt.wantExhausts || (ok && (in-tt.wantExhaustIn).Abs() > time.Second) {
				t.Errorf("exhausted in %s (%v), want %s (%v)", in, ok, tt.wantExhaustIn, tt.wantExhausts)
			}
		})
	}
	if r := errorRatio(5, 0); !math.IsNaN(r) {
		t.Errorf("error ratio with no valid events = %v, want NaN", r)
	}
	if r := errorRatio(-0.2, 10); r != 0 {
		t.Errorf("negative bad events (extrapolation) gave ratio %v, want 0", r)
	}
	if r := errorRatio(11, 10); r != 1 {
		t.Errorf("more bad than valid gave ratio %v, want 1", r)
	}
}

func TestFormatWindowUsesPrometheusNotation(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Minute: "5m", time.Hour: "1h", 30 * day: "30d", 3 * day: "3d",
		90 * time.Second: "90s", 36 * time.Hour: "36h", 1500 * time.Millisecond: "1500ms",
	} {
		if got := FormatWindow(d); got != want {
			t.Errorf("FormatWindow(%s) = %s, want %s", d, got, want)
		}
	}
}
