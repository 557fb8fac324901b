package alerting

// This file composes notifications: what a receiver is told about an
// incident, in numbers and in one line for a person.

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// notification renders what receivers need to know about an incident.
func (m *Manager) notification(p *pendingNote, at time.Time) *Notification {
	inc := p.inc
	n := &Notification{
		ID:          fmt.Sprintf("%s/%s/%d", inc.Key, p.status, at.UnixMilli()),
		IncidentKey: inc.Key, Kind: inc.Kind, Status: p.status, Severity: inc.Severity, Repeat: p.repeat,
		StartsAt: inc.StartedAt, EndsAt: inc.ResolvedAt, EvaluatedAt: at,
		BudgetRemaining: math.NaN(), Windows: inc.Windows, Traces: inc.Traces,
		Labels: map[string]string{}, Annotations: map[string]string{},
	}
	if p.st == nil {
		n.Summary = inc.Summary
		if inc.Kind == KindEvaluationFailing {
			n.Error = inc.Summary
		}
		n.SLO = SLOInfo{ID: inc.SLOID}
		if s := m.slos[inc.SLOID]; s != nil {
			n.SLO = sloInfo(s)
		}
		if p.status == Resolved && inc.Kind == KindEvaluationFailing {
			n.Summary = "burnwatch evaluates every SLO again"
		}
		return n
	}
	s := p.st.SLO
	n.SLO = sloInfo(s)
	n.BudgetRemaining = p.st.Budget.Remaining
	n.RunbookURL = s.Alerting.RunbookURL
	tier := s.Alerting.Page
	if inc.Severity == string(slo.Ticket) {
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
	n.Summary = summary(inc, p.st, p.status)
	inc.Summary = n.Summary
	return n
}

func sloInfo(s *slo.SLO) SLOInfo {
	return SLOInfo{ID: s.ID, Name: s.Name, Service: s.Service, Team: s.Team, Description: s.Description,
		Objective: s.Objective, Period: s.Period.String(), Labels: s.Labels}
}

// summary is the one line a person reads first.
func summary(inc *Incident, st *burnrate.Status, status Status) string {
	s := st.SLO
	left := "unknown"
	if !math.IsNaN(st.Budget.Remaining) {
		left = strconv.FormatFloat(st.Budget.Remaining*100, 'f', 1, 64) + "%"
	}
	switch {
	case inc.Kind == KindNoData && status == Firing:
		return fmt.Sprintf("%s has had no valid events since %s", s.ID, inc.StartedAt.UTC().Format(time.RFC3339))
	case inc.Kind == KindNoData:
		return fmt.Sprintf("%s has data again", s.ID)
	case status == Resolved:
		return fmt.Sprintf("%s no longer burns its error budget at %s rate; %s of the budget left", s.ID, inc.Severity, left)
	}
	for _, w := range inc.Windows {
		if w.Firing {
			return fmt.Sprintf("%s is burning its error budget %.1f× too fast (%s: %s at %.1f× and %s at %.1f×, above %g); %s of the budget left",
				s.ID, w.LongBurnRate, inc.Severity, w.Long, w.LongBurnRate, w.Short, w.ShortBurnRate, w.Factor, left)
		}
	}
	return fmt.Sprintf("%s is burning its error budget; %s of the budget left", s.ID, left)
}

// tierWindows are the rules of one tier as notifications show them.
func tierWindows(st *burnrate.Status, severity string) []BurnWindow {
	var out []BurnWindow
	for _, a := range st.Alerts {
		if string(a.Severity) != severity {
			continue
		}
		out = append(out, BurnWindow{
			Long: burnrate.FormatWindow(a.Long), Short: burnrate.FormatWindow(a.Short), Factor: a.Factor,
			LongBurnRate: a.LongBurnRate, ShortBurnRate: a.ShortBurnRate, Firing: a.Firing,
		})
	}
	return out
}

func parseWindow(s string) time.Duration {
	d, err := model.ParseDuration(s)
	if err != nil {
		return 0
	}
	return time.Duration(d)
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
