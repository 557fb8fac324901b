package burnrate

import (
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// State is the overall condition of an SLO's evaluation.
type State string

// The states an evaluation can end in.
const (
	// StateOK: the SLO was evaluated; its alerts say whether it burns.
	StateOK State = "ok"
	// StateNoData: no valid events were found over the whole period, or a
	// window of an alert rule had no series at all (WindowStatus.NoData).
	StateNoData State = "no_data"
	// StateLowTraffic: a burning rule was held back by the low-traffic
	// policy (lowtraffic.go): too few valid events, or bad events within
	// the sampling error of the rule's factor.
	StateLowTraffic State = "low_traffic"
	// StateError: a query failed; the reason says which.
	StateError State = "error"
)

// Status is the evaluation of one SLO at one instant.
type Status struct {
	SLO   *slo.SLO
	At    time.Time
	State State
	// Reason explains a state other than ok.
	Reason string
	// Windows are the SLI over each window the policy uses, shortest first.
	Windows []WindowStatus
	Budget  Budget
	// Alerts are the policy's rules, each with whether it holds now.
	Alerts []AlertStatus
	// Exhaustion is the budget-exhaustion alert, when the spec asks for one.
	Exhaustion *ExhaustionStatus
}

// WindowStatus is the SLI over one window.
type WindowStatus struct {
	Window time.Duration
	// Good and Valid are event counts (for an events SLI, whatever its
	// queries return; for a raw SLI they are not known and are NaN).
	Good, Valid float64
	// ErrorRatio is 1 − good/valid; NaN when there were no valid events.
	ErrorRatio float64
	// BurnRate is ErrorRatio / (1 − objective).
	BurnRate float64
	// Covered is how much of the window the data spans: the window itself,
	// or less when the SLI's series are younger than the window (a young
	// Prometheus, a new service). 0 when not known (raw SLIs, events SLIs
	// whose queries are not summed counters).
	Covered time.Duration
	// NoData is true when no series answered the SLO's valid-events query
	// (or its error-ratio query) over the window, or the answer was NaN: a
	// renamed metric, a wrong tenant, a dropped scrape job. Zero events on
	// series that exist are data: Valid is 0 and NoData false.
	NoData bool
	// Corrected is how much of the window the SLO's corrections cover:
	// their events are not counted. A window wholly inside corrections has
	// no valid events and is not missing data.
	Corrected time.Duration
}

// Budget is the error budget over the SLO's period.
type Budget struct {
	PeriodStart, PeriodEnd time.Time
	// ErrorRatio is the error ratio from the period's start until now.
	ErrorRatio float64
	// Covered is how much of the period so far the data spans: the whole
	// span from PeriodStart (rolling: the period) once the SLI's series are
	// older than that, less while they are younger. Remaining and Consumed
	// are then over the covered span only: "budget over the last 2h of the
	// 30d period". 0 when not known (raw SLIs, events SLIs whose queries
	// are not summed counters).
	Covered time.Duration
	// Remaining and Consumed are shares of the budget; they add up to 1.
	Remaining, Consumed float64
	// ExhaustedIn is how long the remaining budget lasts at the burn rate
	// of the shortest page window; Exhausts is false when it is not spent.
	ExhaustedIn time.Duration
	Exhausts    bool
}

// AlertStatus is one multi-window rule and whether it holds.
type AlertStatus struct {
	slo.Window
	LongBurnRate, ShortBurnRate float64
	// Firing is true when both burn rates exceed the factor and traffic is
	// above the low-traffic guard.
	Firing bool
	// Held is true when the low-traffic guard held the rule back.
	Held bool
}

// Window returns the status of one window, and whether it was evaluated.
func (s *Status) Window(d time.Duration) (WindowStatus, bool) {
	for _, w := range s.Windows {
		if w.Window == d {
			return w, true
		}
	}
	return WindowStatus{}, false
}

// Firing returns the most severe firing tier: page, ticket or "".
func (s *Status) Firing() slo.Severity {
	var out slo.Severity
	for _, a := range s.Alerts {
		if !a.Firing {
			continue
		}
		if a.Severity == slo.Page {
			return slo.Page
		}
		out = a.Severity
	}
	return out
}
