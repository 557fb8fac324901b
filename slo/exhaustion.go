package slo

import (
	"time"
)

// Exhaustion is the optional alert on an error budget that will soon be
// spent: it fires when the budget left, spent at the burn rate over
// Window, lasts less than Within.
type Exhaustion struct {
	// Within is the time to exhaustion under which the alert fires.
	Within time.Duration
	// Window is the window whose burn rate is the current pace (default 1h).
	Window time.Duration
	// Severity is the tier the alert is routed as (default ticket).
	Severity Severity
}

// BudgetSpent is the optional one-time notification, once per period, that
// the error budget is spent.
type BudgetSpent struct {
	// Severity is the tier the notification is routed as (default ticket).
	Severity Severity
}

// DefaultExhaustionWindow is the burn-rate window of an exhaustion alert
// that names none.
const DefaultExhaustionWindow = time.Hour

type exhaustionSpec struct {
	Within   string `yaml:"within"`
	Window   string `yaml:"window"`
	Severity string `yaml:"severity"`
}

type budgetSpentSpec struct {
	Severity string `yaml:"severity"`
}

// exhaustion validates an alerting section's exhaustion alert; nil when
// there is none or it has errors, which are reported.
func (fc fileContext) exhaustion(es *exhaustionSpec, period time.Duration) *Exhaustion {
	if es == nil {
		return nil
	}
	rep, dec := fc.rep, fc.dec
	n := dec.node(es)
	out := &Exhaustion{Window: DefaultExhaustionWindow, Severity: Ticket}
	ok := true
	within, err := parseDuration(es.Within)
	switch {
	case es.Within == "":
		rep.at(n, "missing required field %q", "within")
		ok = false
	case err != nil || within <= 0:
		rep.at(dec.node(&es.Within), "within %q is not a positive duration like 3d", es.Within)
		ok = false
	default:
		out.Within = within
	}
	if es.Window != "" {
		w, err := parseDuration(es.Window)
		switch {
		case err != nil || w <= 0:
			rep.at(dec.node(&es.Window), "window %q is not a positive duration like 6h", es.Window)
			ok = false
		case w > period:
			rep.at(dec.node(&es.Window), "window %s is longer than the SLO period %s", fmtDuration(w), fmtDuration(period))
			ok = false
		default:
			out.Window = w
		}
	}
	if sev, good := severity(fc, es.Severity, &es.Severity); good {
		out.Severity = sev
	} else {
		ok = false
	}
	if !ok {
		return nil
	}
	return out
}

// budgetSpent validates an alerting section's budget-spent notification.
func (fc fileContext) budgetSpent(bs *budgetSpentSpec) *BudgetSpent {
	if bs == nil {
		return nil
	}
	sev, ok := severity(fc, bs.Severity, &bs.Severity)
	if !ok {
		return nil
	}
	return &BudgetSpent{Severity: sev}
}

// severity reads an optional tier, ticket when not written.
func severity(fc fileContext, s string, field *string) (Severity, bool) {
	switch Severity(s) {
	case "":
		return Ticket, true
	case Page, Ticket:
		return Severity(s), true
	}
	fc.rep.at(fc.dec.node(field), "severity %q is neither page nor ticket", s)
	return "", false
}
