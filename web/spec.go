package web

import (
	"strconv"
	"strings"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// specView is an SLO's spec as the detail page lists it: the SLI, the
// PromQL it becomes, the objective and the alert policy.
type specView struct {
	Kind, Dialect, Metric, Threshold, ErrorMatcher string
	// QueryWindow is the window the queries below are written for.
	QueryWindow                      string
	BadQuery, TotalQuery, RatioQuery string
	QueryError                       string
	Objective, ErrorBudget, Period   string
	PolicySource                     string
	Policy                           []policyRow
	MinValidEvents                   string
	TraceLink                        string
}

type policyRow struct {
	Severity, Long, Short, Factor, BudgetShare string
}

// specQueryWindow is the window the spec's queries are shown for: the
// fastest page rule's.
const specQueryWindow = "1h"

func newSpecView(s *slo.SLO) specView {
	sli := s.SLI
	v := specView{
		Kind: string(sli.Kind), Dialect: string(sli.Dialect), QueryWindow: specQueryWindow,
		Objective: objective(s.Objective), ErrorBudget: errorRatio(s.ErrorBudget()), Period: s.Period.String(),
		PolicySource: "the spec's own windows",
	}
	switch sli.Kind {
	case slo.SLILatency, slo.SLIErrors:
		v.Metric = slo.Selector(sli.Metric, sli.Matchers)
	}
	if sli.Kind == slo.SLILatency {
		v.Threshold = sli.Threshold.String() + " (bucket le=" + strconv.FormatFloat(sli.Bucket, 'f', -1, 64) + ")"
	}
	v.ErrorMatcher = sli.ErrorMatcher.String()
	var errs []string
	if sli.Kind == slo.SLIRaw {
		q, err := sli.ErrorRatioQueryFor(specQueryWindow)
		v.RatioQuery = q
		if err != nil {
			errs = append(errs, err.Error())
		}
	} else {
		bad, err := sli.BadQueryFor(specQueryWindow)
		if err != nil {
			errs = append(errs, err.Error())
		}
		total, err := sli.TotalQueryFor(specQueryWindow)
		if err != nil {
			errs = append(errs, err.Error())
		}
		v.BadQuery, v.TotalQuery = bad, total
	}
	v.QueryError = strings.Join(errs, "; ")
	if s.Alerting.Windows == nil {
		v.PolicySource = "the SRE Workbook's windows for a " + burnrate.FormatWindow(s.Period.Nominal()) + " period"
	}
	for _, w := range burnrate.Policy(s) {
		v.Policy = append(v.Policy, policyRow{
			Severity: string(w.Severity), Long: burnrate.FormatWindow(w.Long), Short: burnrate.FormatWindow(w.Short),
			Factor: burn(w.Factor), BudgetShare: trimPercent(budgetShare(s, w)),
		})
	}
	if s.Alerting.MinValidEvents > 0 {
		v.MinValidEvents = count(s.Alerting.MinValidEvents)
	}
	if s.Traces.Link != nil {
		v.TraceLink = s.Traces.Link.String()
	}
	return v
}
