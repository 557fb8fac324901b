package alerting

// This file is the lifecycle of the two budget incidents an SLO may ask
// for beside its burn alerts: budget exhaustion (the budget left, at the
// current burn, runs out sooner than the spec's threshold) and budget
// spent (one notification per period once nothing is left). Both go
// through the same effects, routes and outbox as burn incidents, keyed per
// SLO and kind.

import (
	"fmt"
	"math"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// The kinds of the budget incidents.
const (
	// KindExhaustion is an error budget that will be spent sooner than the
	// spec's alerting.exhaustion.within at the current burn rate.
	KindExhaustion Kind = "budget_exhaustion"
	// KindBudgetSpent is an error budget that is spent: notified once per
	// period, never repeated, and closed without a notification when a
	// new period begins.
	KindBudgetSpent Kind = "budget_spent"
)

func exhaustionKey(id string) openKey { return openKey{Kind: KindExhaustion, SLO: id} }
func spentKey(id string) openKey      { return openKey{Kind: KindBudgetSpent, SLO: id} }

// exhaust opens, repeats or resolves an SLO's exhaustion incident.
func exhaust(s *state, st *burnrate.Status, p policy, now time.Time) []transition {
	id := st.SLO.ID
	cur, open := s.open[exhaustionKey(id)]
	ex := st.Exhaustion
	firing := ex != nil && ex.Firing
	switch {
	case !open && !firing:
		return nil
	case open && firing && cur.Severity == ex.Severity:
		if now.Sub(cur.LastNotifiedAt) >= p.repeat {
			return []transition{notify(s, cur, Firing, true, now)}
		}
		s.open[exhaustionKey(id)] = cur
		return nil
	}
	var out []transition
	if open {
		out = append(out, resolve(s, cur, EndRecovered, now))
	}
	if firing {
		out = append(out, notify(s, newIncident(id, KindExhaustion, ex.Severity, now), Firing, false, now))
	}
	return out
}

// spend opens an SLO's budget-spent incident once the budget is spent, and
// closes it (silently) once a new period has begun: for a calendar period
// when it starts, for a rolling one a period after the notification and
// once the budget is no longer spent. So it is notified once per period.
func spend(s *state, st *burnrate.Status, now time.Time) []transition {
	id := st.SLO.ID
	cur, open := s.open[spentKey(id)]
	cfg := st.SLO.Alerting.BudgetSpent
	spent := cfg != nil && st.Budget.Remaining <= 0 && !math.IsNaN(st.Budget.Remaining)
	if !open {
		if !spent {
			return nil
		}
		return []transition{notify(s, newIncident(id, KindBudgetSpent, cfg.Severity, now), Firing, false, now)}
	}
	var over bool
	switch {
	case cfg == nil:
		over = true
	case st.SLO.Period.Calendar != "":
		over = st.Budget.PeriodStart.After(cur.StartedAt)
	default:
		over = !spent && now.Sub(cur.StartedAt) >= st.SLO.Period.Nominal()
	}
	if !over {
		return nil
	}
	t := resolve(s, cur, EndRecovered, now)
	t.silent = true
	out := []transition{t}
	if spent {
		// A calendar period that begins spent (a budget too small for its
		// first minutes) is notified again: it is a new period.
		out = append(out, notify(s, newIncident(id, KindBudgetSpent, cfg.Severity, now), Firing, false, now))
	}
	return out
}

// budgetSummary is the one line of a budget incident's notification.
func budgetSummary(inc *Incident, s *slo.SLO, st *burnrate.Status, status Status) string {
	switch {
	case inc.Kind == KindBudgetSpent && status == Resolved:
		return fmt.Sprintf("a new %s period began for %s", s.Period, s.ID)
	case inc.Kind == KindBudgetSpent:
		return fmt.Sprintf("%s has spent its error budget for this %s period; %s", s.ID, s.Period, budgetLeft(st))
	case status == Resolved:
		return fmt.Sprintf("%s no longer runs out of error budget soon; %s", s.ID, budgetLeft(st))
	case st == nil || st.Exhaustion == nil:
		return fmt.Sprintf("%s will run out of error budget soon", s.ID)
	}
	ex := st.Exhaustion
	return fmt.Sprintf("%s runs out of error budget in %s at the burn rate over the last %s (%.1f×), sooner than %s; %s",
		s.ID, shortDuration(ex.In), burnrate.FormatWindow(ex.Window), ex.BurnRate, shortDuration(ex.Within), budgetLeft(st))
}

// shortDuration renders a duration to the minute, in days past two days:
// "3d4h", "5h12m".
func shortDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	day := 24 * time.Hour
	if d >= 2*day {
		return fmt.Sprintf("%dd%dh", d/day, d%day/time.Hour)
	}
	return burnrate.FormatWindow(d)
}
