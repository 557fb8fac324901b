package alerting

// This file composes notifications: what a receiver is told about an
// incident, in numbers and in one line for a person.

import (
	"fmt"
	"math"
	"strconv"
	"time"

	prommodel "github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// summarize writes each incident's one-line summary from this evaluation:
// the open ones' and those of the changes.
func summarize(next *state, changes []transition, statuses map[string]*burnrate.Status) {
	for k, inc := range next.open {
		if st := statuses[inc.SLOID]; st != nil && inc.Kind.PerSLO() {
			inc.Summary = summary(&inc, st.SLO, st, Firing)
			next.open[k] = inc
		}
	}
	for i, t := range changes {
		inc := &changes[i].incident
		if !inc.Kind.PerSLO() {
			if t.status == Resolved {
				inc.Summary = "burnwatch evaluates every SLO again"
			}
			continue
		}
		s := next.slos[inc.SLOID]
		if s == nil {
			inc.Summary = fmt.Sprintf("%s was removed from the specs; its %s incident is closed", inc.SLOID, inc.Severity)
			continue
		}
		inc.Summary = summary(inc, s, statuses[inc.SLOID], t.status)
	}
}

// notification renders what receivers need to know about an incident. s is
// its SLO (nil for a notification about the whole daemon) and st the SLO's
// evaluation (nil when the SLO was removed).
func (m *Manager) notification(inc *Incident, s *slo.SLO, st *burnrate.Status, status Status, repeat bool, at time.Time) *Notification {
	n := &Notification{
		ID:          fmt.Sprintf("%s/%s/%d", inc.Key, status, at.UnixMilli()),
		IncidentKey: inc.Key, Kind: inc.Kind, Status: status, Severity: string(inc.Severity), Repeat: repeat,
		StartsAt: inc.StartedAt, EndsAt: inc.ResolvedAt, EvaluatedAt: at, Summary: inc.Summary,
		BudgetRemaining: math.NaN(), Windows: inc.Windows, Traces: inc.Traces, TracesNote: inc.TracesNote,
		NoDataSince: inc.NoDataSince, Labels: map[string]string{}, Annotations: map[string]string{},
	}
	if status == Resolved {
		n.EndReason = inc.EndReason
	}
	if inc.Kind == KindEvaluationFailing {
		n.Error = inc.Summary
	}
	if s == nil {
		n.SLO = SLOInfo{ID: inc.SLOID}
		return n
	}
	n.SLO = sloInfo(s)
	n.RunbookURL = s.Alerting.RunbookURL
	if st != nil {
		n.BudgetRemaining, n.BudgetCovered = st.Budget.Remaining, BudgetCovered(st)
	}
	tier := s.Alerting.Page
	if inc.Severity == slo.Ticket {
		tier = s.Alerting.Ticket
	}
	for k, v := range mergeMaps(s.Alerting.Labels, tier.Labels) {
		n.Labels[k] = v
	}
	for k, v := range mergeMaps(s.Alerting.Annotations, tier.Annotations) {
		n.Annotations[k] = v
	}
	n.Labels["alertname"] = s.Alerting.Name
	if m.opts.DashboardURL != nil {
		n.DashboardURL = m.opts.DashboardURL(s.ID)
	}
	return n
}

func sloInfo(s *slo.SLO) SLOInfo {
	return SLOInfo{ID: s.ID, Name: s.Name, Service: s.Service, Team: s.Team, Description: s.Description,
		Objective: s.Objective, Period: s.Period.String(), Labels: s.Labels}
}

// BudgetCovered is how much of the period so far st's budget was counted
// over, when that is less than the period so far (a young Prometheus, a
// new service); zero when it covers the whole of it or the coverage is not
// known. A minute of slack absorbs the step of the history lookup. The
// dashboard and the notifications both ask it.
func BudgetCovered(st *burnrate.Status) time.Duration {
	b := st.Budget
	elapsed := st.At.Sub(b.PeriodStart)
	if st.SLO.Period.Calendar == "" {
		elapsed = st.SLO.Period.Rolling
	}
	if b.Covered <= 0 || math.IsNaN(b.Remaining) || b.Covered >= elapsed-time.Minute {
		return 0
	}
	return b.Covered
}

// BudgetScope says over what BudgetRemaining was counted when that is less
// than the period so far: "the last 2h of the 30d period"; "" when the
// budget covers the whole period so far.
func (n *Notification) BudgetScope() string { return budgetScope(n.BudgetCovered, n.SLO.Period) }

func budgetScope(covered time.Duration, period string) string {
	if covered <= 0 {
		return ""
	}
	return fmt.Sprintf("the last %s of the %s period", prommodel.Duration(covered.Round(time.Minute)), period)
}

// budgetLeft says how much budget is left, and over what when the data is
// younger than the period: "42.3% of the budget left", "budget over the
// last 2h of the 30d period: -6891.0% left".
func budgetLeft(st *burnrate.Status) string {
	if st == nil || math.IsNaN(st.Budget.Remaining) {
		return "unknown share of the budget left"
	}
	left := strconv.FormatFloat(st.Budget.Remaining*100, 'f', 1, 64) + "%"
	if d := BudgetCovered(st); d > 0 {
		return "budget over " + budgetScope(d, st.SLO.Period.String()) + ": " + left + " left"
	}
	return left + " of the budget left"
}

// summary is the one line a person reads first. st is nil when the SLO has
// no evaluation this cycle.
func summary(inc *Incident, s *slo.SLO, st *burnrate.Status, status Status) string {
	left := budgetLeft(st)
	switch {
	case (inc.Kind == KindExhaustion || inc.Kind == KindBudgetSpent) && !(status == Resolved && inc.EndReason == EndSLORemoved):
		return budgetSummary(inc, s, st, status)
	case inc.Kind == KindNoData && status == Resolved:
		return fmt.Sprintf("%s has data again", s.ID)
	case inc.Kind == KindNoData:
		return fmt.Sprintf("%s has had no data since %s", s.ID, inc.StartedAt.UTC().Format(time.RFC3339))
	case status == Resolved && inc.EndReason == EndEscalated:
		return fmt.Sprintf("%s escalated to page: its error budget burns faster than the ticket rule; %s", s.ID, left)
	case status == Resolved && inc.EndReason == EndSLORemoved:
		return fmt.Sprintf("%s was removed from the specs; its %s incident is closed", s.ID, inc.Severity)
	case status == Resolved:
		return fmt.Sprintf("%s no longer burns its error budget at %s rate; %s", s.ID, inc.Severity, left)
	case !inc.NoDataSince.IsZero():
		return fmt.Sprintf("%s has had no data since %s; its %s incident is held open, not resolved",
			s.ID, inc.NoDataSince.UTC().Format(time.RFC3339), inc.Severity)
	}
	for _, w := range inc.Windows {
		if w.Firing {
			return fmt.Sprintf("%s is burning its error budget %.1f× too fast (%s: %s at %.1f× and %s at %.1f×, above %g); %s",
				s.ID, w.LongBurnRate, inc.Severity, w.Long, w.LongBurnRate, w.Short, w.ShortBurnRate, w.Factor, left)
		}
	}
	return fmt.Sprintf("%s is burning its error budget; %s", s.ID, left)
}

func mergeMaps(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
