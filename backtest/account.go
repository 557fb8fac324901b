package backtest

import (
	"math"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// accounts gather each SLO's alerts, spans and budget as evaluations come.
type accounts struct {
	step  time.Duration
	order []string
	byID  map[string]*account
}

// account is one SLO's running tally.
type account struct {
	slo    *slo.SLO
	report SLOReport
	// open are the indexes in report.Alerts of the alerts firing now, by
	// kind.
	open map[alerting.Kind]int
	// noData and unevaluated are the spans going on now, if any.
	noData, unevaluated *Span
}

func newAccounts(slos []*slo.SLO, step time.Duration) *accounts {
	a := &accounts{step: step, byID: map[string]*account{}}
	for _, s := range slos {
		a.order = append(a.order, s.ID)
		a.byID[s.ID] = &account{slo: s, open: map[alerting.Kind]int{}, report: SLOReport{
			ID: s.ID, Objective: s.ObjectivePercent(), Period: s.Period.String()}}
	}
	return a
}

// alertKinds are the incidents that are alerts; no-data and failing
// incidents are not: the spans say them.
var alertKinds = map[alerting.Kind]bool{alerting.KindBurn: true, alerting.KindExhaustion: true, alerting.KindBudgetSpent: true}

// evaluated takes one cycle: its statuses and the incidents that opened
// or resolved at it.
func (a *accounts) evaluated(res burnrate.Result, changed []alerting.Incident) {
	for _, inc := range changed {
		acc := a.byID[inc.SLOID]
		if acc == nil || !alertKinds[inc.Kind] {
			continue
		}
		if inc.State == alerting.IncidentResolved {
			if i, ok := acc.open[inc.Kind]; ok {
				al := &acc.report.Alerts[i]
				al.End, al.EndReason = inc.ResolvedAt, inc.EndReason
			}
			delete(acc.open, inc.Kind)
			continue
		}
		acc.report.Alerts = append(acc.report.Alerts, Alert{Kind: inc.Kind, Severity: inc.Severity, Start: inc.StartedAt})
		acc.open[inc.Kind] = len(acc.report.Alerts) - 1
	}
	for i := range res.Statuses {
		st := &res.Statuses[i]
		acc := a.byID[st.SLO.ID]
		if acc == nil {
			continue
		}
		acc.spans(st)
		burnt := a.burnt(st)
		acc.report.BudgetConsumed += burnt
		for kind, i := range acc.open {
			al := &acc.report.Alerts[i]
			al.BudgetConsumed += burnt
			switch kind {
			case alerting.KindBurn:
				acc.firing(al, st, a.step)
			case alerting.KindExhaustion:
				if ex := st.Exhaustion; ex != nil && !math.IsNaN(ex.BurnRate) && !math.IsInf(ex.BurnRate, 0) {
					al.PeakBurn = math.Max(al.PeakBurn, ex.BurnRate)
				}
			}
		}
	}
}

// firing counts a step of a burn alert: its peak burn and time firing.
func (acc *account) firing(al *Alert, st *burnrate.Status, step time.Duration) {
	for _, r := range st.Alerts {
		if r.Severity == al.Severity && r.Firing {
			al.PeakBurn = math.Max(al.PeakBurn, r.LongBurnRate)
		}
	}
	switch al.Severity {
	case slo.Page:
		acc.report.FiringPage += step
	case slo.Ticket:
		acc.report.FiringTicket += step
	}
}

// spans opens and closes the SLO's no-data and unevaluated spans.
func (acc *account) spans(st *burnrate.Status) {
	track := func(cur **Span, in bool) {
		switch {
		case in && *cur == nil:
			acc.pushSpan(cur, st)
		case !in && *cur != nil:
			(*cur).To = st.At
			*cur = nil
		}
	}
	track(&acc.noData, st.State == burnrate.StateNoData)
	track(&acc.unevaluated, st.State == burnrate.StateError)
}

func (acc *account) pushSpan(cur **Span, st *burnrate.Status) {
	list := &acc.report.NoData
	if cur == &acc.unevaluated {
		list = &acc.report.Unevaluated
	}
	*list = append(*list, Span{From: st.At, Reason: st.Reason})
	*cur = &(*list)[len(*list)-1]
}

// burnt is the share of the period's budget burnt during the step that
// ends at the status: the burn rate over the shortest window at least a
// step long, times the step, over the period. Consecutive steps add up to
// the budget burnt over their span (exactly when the window is the step,
// as a moving average otherwise). Nothing is counted without data.
func (a *accounts) burnt(st *burnrate.Status) float64 {
	if st.State == burnrate.StateError || len(st.Windows) == 0 {
		return 0
	}
	w := st.Windows[len(st.Windows)-1]
	for _, ws := range st.Windows {
		if ws.Window >= a.step {
			w = ws
			break
		}
	}
	if math.IsNaN(w.BurnRate) || math.IsInf(w.BurnRate, 0) {
		return 0
	}
	return w.BurnRate * a.step.Seconds() / st.SLO.Period.Nominal().Seconds()
}

// reports closes what is still open at the end of the range.
func (a *accounts) reports(to time.Time) []SLOReport {
	out := make([]SLOReport, 0, len(a.order))
	for _, id := range a.order {
		acc := a.byID[id]
		for _, sp := range []*Span{acc.noData, acc.unevaluated} {
			if sp != nil {
				sp.To = to
			}
		}
		out = append(out, acc.report)
	}
	return out
}
