package burnrate

import (
	"slices"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// workbook is the SRE Workbook's multi-window multi-burn-rate policy
// ("Alerting on SLOs", table 5-8), one line per window. Each window guards a
// share of a 30-day budget; for other periods the shares stay and the
// factors scale, as Sloth does (factor = share × period / long).
var workbook = []slo.Window{
	// Page: 2% of the budget gone in an hour (burn 14.4 on 30 days);
	// a total outage of a 99.9% SLO pages within 52 seconds.
	{Severity: slo.Page, Long: time.Hour, Short: 5 * time.Minute, BudgetShare: 0.02},
	// Page: 5% of the budget gone in six hours (burn 6).
	{Severity: slo.Page, Long: 6 * time.Hour, Short: 30 * time.Minute, BudgetShare: 0.05},
	// Ticket: 10% of the budget gone in a day (burn 3).
	{Severity: slo.Ticket, Long: 24 * time.Hour, Short: 2 * time.Hour, BudgetShare: 0.10},
	// Ticket: 10% of the budget gone in three days (burn 1): a slow leak
	// that would spend the whole budget by the end of the period.
	{Severity: slo.Ticket, Long: 72 * time.Hour, Short: 6 * time.Hour, BudgetShare: 0.10},
}

// DefaultWindows returns the workbook policy for a period of the given
// length. Windows longer than the period are left out.
func DefaultWindows(period time.Duration) []slo.Window {
	out := make([]slo.Window, 0, len(workbook))
	for _, w := range workbook {
		if w.Long > period {
			continue
		}
		w.Factor = w.BudgetShare * float64(period) / float64(w.Long)
		out = append(out, w)
	}
	return out
}

// Policy returns the alert windows of an SLO: its own, or the default for
// its period, without the tiers the spec disables.
func Policy(s *slo.SLO) []slo.Window {
	windows := s.Alerting.Windows
	if windows == nil {
		windows = DefaultWindows(s.Period.Nominal())
	}
	out := make([]slo.Window, 0, len(windows))
	for _, w := range windows {
		if (w.Severity == slo.Page && s.Alerting.Page.Disabled) || (w.Severity == slo.Ticket && s.Alerting.Ticket.Disabled) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// windowsOf returns every window length an SLO's status needs: each long and
// short window of its policy and of the default policy (shown on the
// dashboard even when disabled), in increasing order, without duplicates.
func windowsOf(s *slo.SLO) []time.Duration {
	seen := map[time.Duration]bool{}
	var out []time.Duration
	add := func(d time.Duration) {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	windows := s.Alerting.Windows
	if windows == nil {
		windows = DefaultWindows(s.Period.Nominal())
	}
	for _, w := range windows {
		add(w.Short)
		add(w.Long)
	}
	if ex := s.Alerting.Exhaustion; ex != nil {
		add(ex.Window)
	}
	slices.Sort(out)
	return out
}
