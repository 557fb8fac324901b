package web

import (
	"fmt"
	"math"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// ruleLine is one alert rule said in plain language: when it fires, where
// it stands now.
type ruleLine struct {
	Severity string
	// Text is "Pages if the 1h and 5m burn rates both exceed 14.4; now 3.2
	// and 0.4."
	Text string
	// Note says what the factor means for the budget.
	Note string
	// Coverage says which of the rule's windows hold less data than their
	// length (a young Prometheus).
	Coverage string
	// State is "firing", "held" or "" (quiet), with a word for people.
	State, StateLabel string
}

// ruleLines explains every rule of an SLO's policy. A failed evaluation
// has no burn rates: the rules are listed with "now not known".
func ruleLines(st *burnrate.Status) []ruleLine {
	s := st.SLO
	policy := burnrate.Policy(s)
	var out []ruleLine
	for i, w := range policy {
		var now string
		var a *burnrate.AlertStatus
		if i < len(st.Alerts) && st.Alerts[i].Window == w {
			a = &st.Alerts[i]
			now = fmt.Sprintf("now %s and %s.", burn(a.LongBurnRate), burn(a.ShortBurnRate))
		} else {
			now = "now not known: the last evaluation did not compute them."
		}
		verb := "Pages"
		if w.Severity == slo.Ticket {
			verb = "Opens a ticket"
		}
		l := ruleLine{
			Severity: string(w.Severity),
			Text: fmt.Sprintf("%s if the %s and %s burn rates both exceed %s; %s",
				verb, burnrate.FormatWindow(w.Long), burnrate.FormatWindow(w.Short), burn(w.Factor), now),
			Note: budgetNote(s, w), Coverage: ruleCoverage(st, w),
		}
		switch {
		case a == nil:
		case a.Firing:
			l.State, l.StateLabel = "firing", "firing now"
		case a.Held:
			l.State = "held"
			l.StateLabel = heldLabel(s, st, w)
		}
		out = append(out, l)
	}
	return out
}

// heldLabel says which low-traffic guard holds a burning rule back.
func heldLabel(s *slo.SLO, st *burnrate.Status, w slo.Window) string {
	long, _ := st.Window(w.Long)
	if min := s.Alerting.MinValidEvents; min > 0 && !(long.Valid >= min) {
		return fmt.Sprintf("held: fewer than %s valid events in the last %s", count(min), burnrate.FormatWindow(w.Long))
	}
	return fmt.Sprintf("held: %s bad events in the last %s are within the sampling error of this burn rate (low traffic)",
		count(long.Valid-long.Good), burnrate.FormatWindow(w.Long))
}

// budgetNote says how much budget a rule lets go before it fires.
func budgetNote(s *slo.SLO, w slo.Window) string {
	return fmt.Sprintf("Burning at %s for %s spends %s of the %s budget.",
		burn(w.Factor), burnrate.FormatWindow(w.Long), trimPercent(budgetShare(s, w)), s.Period)
}

// budgetShare is the share of the period's budget a rule lets go: the
// spec's, or what its factor implies.
func budgetShare(s *slo.SLO, w slo.Window) float64 {
	if w.BudgetShare > 0 {
		return w.BudgetShare
	}
	return w.Factor * float64(w.Long) / float64(s.Period.Nominal())
}

// disabledTiers says which tiers the spec turned off.
func disabledTiers(s *slo.SLO) []string {
	var out []string
	if s.Alerting.Page.Disabled {
		out = append(out, "Never pages: page alerts are disabled in the spec.")
	}
	if s.Alerting.Ticket.Disabled {
		out = append(out, "Never opens a ticket: ticket alerts are disabled in the spec.")
	}
	return out
}

// exhaustion says how long the budget lasts at the current pace.
func exhaustion(st *burnrate.Status) string {
	b := st.Budget
	switch st.State {
	case burnrate.StateError:
		return "Time to exhaustion is not known: the last evaluation failed."
	case burnrate.StateNoData:
		return "Time to exhaustion is not known: there were no valid events in the period."
	}
	budget := "the budget"
	if scope := budgetScope(st); scope != "" {
		budget += " " + scope
	}
	if b.Remaining <= 0 {
		return fmt.Sprintf("The error budget is spent: %s of %s is used.", percent(b.Consumed), budget)
	}
	a, ok := paceRule(st)
	if !ok {
		return ""
	}
	window := burnrate.FormatWindow(a.Long)
	if !b.Exhausts {
		return fmt.Sprintf("The budget is not being spent: the burn rate over the last %s is %s.", window, burn(a.LongBurnRate))
	}
	return fmt.Sprintf("At the burn rate of the last %s (%s), the remaining %s of %s is exhausted in %s.",
		window, burn(a.LongBurnRate), percent(b.Remaining), budget, span(b.ExhaustedIn))
}

// trimPercent renders a share without trailing zeros: "2%", "0.5%".
func trimPercent(v float64) string {
	return fmt.Sprintf("%v%%", math.Round(v*1e5)/1e3)
}
