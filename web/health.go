package web

import (
	"math"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// health is an SLO's condition at a glance, most urgent first.
type health int

const (
	healthPage health = iota
	healthTicket
	healthError
	healthBurning
	healthLowTraffic
	healthNoData
	healthOK
)

// healthInfo is how a health reads: a CSS class and a label.
var healthInfo = map[health]struct{ class, label, title string }{
	healthPage:       {"page", "page firing", "a page rule holds: someone is being paged"},
	healthTicket:     {"ticket", "ticket firing", "a ticket rule holds"},
	healthError:      {"error", "error", "the last evaluation failed"},
	healthBurning:    {"burning", "burning", "spending budget faster than it lasts the period, below the alert thresholds"},
	healthLowTraffic: {"lowtraffic", "low traffic", "too few events for an alert to fire"},
	healthNoData:     {"nodata", "no data", "no valid events in the period"},
	healthOK:         {"ok", "ok", "within budget"},
}

// healthOf classifies a status.
func healthOf(st *burnrate.Status) health {
	switch {
	case st.State == burnrate.StateError:
		return healthError
	case st.Firing() == slo.Page:
		return healthPage
	case st.Firing() == slo.Ticket:
		return healthTicket
	case st.State == burnrate.StateNoData:
		return healthNoData
	case st.State == burnrate.StateLowTraffic:
		return healthLowTraffic
	}
	if r, ok := paceRule(st); ok && r.LongBurnRate > 1 {
		return healthBurning
	}
	return healthOK
}

// paceRule is the rule whose long-window burn rate says how fast the budget
// goes now: the first page rule, as the evaluator's time to exhaustion
// uses, else the first rule.
func paceRule(st *burnrate.Status) (burnrate.AlertStatus, bool) {
	for _, a := range st.Alerts {
		if a.Severity == slo.Page {
			return a, true
		}
	}
	if len(st.Alerts) > 0 {
		return st.Alerts[0], true
	}
	return burnrate.AlertStatus{}, false
}

// budgetRemaining is the budget left, NaN when it is not known (a failed
// evaluation, or no events at all).
func budgetRemaining(st *burnrate.Status) float64 {
	if st.State == burnrate.StateError || st.State == burnrate.StateNoData {
		return math.NaN()
	}
	return st.Budget.Remaining
}
