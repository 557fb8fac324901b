package burnrate

import (
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// ExhaustionStatus is an SLO's budget-exhaustion alert at one evaluation:
// how long the budget left lasts at the burn rate over the alert's window.
type ExhaustionStatus struct {
	slo.Exhaustion
	// BurnRate is the burn rate over Window; NaN without valid events.
	BurnRate float64
	// In is how long the budget left lasts at BurnRate; Exhausts is false
	// when the budget is not being spent.
	In       time.Duration
	Exhausts bool
	// Firing is true when the budget is spent within Within.
	Firing bool
	// Held is true when the low-traffic guard held the alert back.
	Held bool
}

// exhaustion evaluates an SLO's exhaustion alert, if it has one, from its
// windows and budget.
func exhaustion(st *Status) *ExhaustionStatus {
	ex := st.SLO.Alerting.Exhaustion
	if ex == nil {
		return nil
	}
	w, _ := st.Window(ex.Window)
	out := &ExhaustionStatus{Exhaustion: *ex, BurnRate: w.BurnRate}
	out.In, out.Exhausts = TimeToExhaustion(st.Budget.Remaining, w.BurnRate, st.SLO.Period.Nominal())
	soon := out.Exhausts && out.In < ex.Within
	if floor := st.SLO.Alerting.MinValidEvents; soon && floor > 0 && !(w.Valid >= floor) {
		out.Held = true
		return out
	}
	out.Firing = soon
	return out
}
