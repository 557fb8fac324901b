package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// detailPage is what the SLO page shows.
type detailPage struct {
	Layout layout
	SLO    sloFacts
	row
	Rules      []ruleLine
	Disabled   []string
	Exhaustion string
	Budget     budgetFacts
	Windows    []windowRow
	Bars       *barChart
	History    historyView
	Timeline   timeline
	Incidents  []incidentView
	Traces     []traceView
	Spec       specView
	Permalink  string
	APILink    string
}

// sloFacts are the spec's identity and ownership.
type sloFacts struct {
	ID, Name, Service, Team, Description string
	TeamLink, ServiceLink                string
	AlertName, RunbookURL                string
	SlackChannel, PagerDutyService       string
	Source                               string
	Labels                               []label
}

type budgetFacts struct {
	Remaining, Consumed, ErrorRatio string
	// Covered is how much of the period the budget was counted over,
	// "2h", when that is less than the period so far; empty otherwise.
	Covered                string
	PeriodStart, PeriodEnd string
	Period                 string
	Bar                    budgetBar
}

type windowRow struct {
	Window, ErrorRatio, BurnRate, Good, Valid, Bad string
	Class                                          string
	// Coverage says that the window holds less data than its length.
	Coverage string
}

// historyView holds the history charts, or why there are none.
type historyView struct {
	Off                 bool
	Error               string
	Step                string
	Budget, Burn, Ratio *lineChart
	Queries             []string
}

func (s *server) detail(w http.ResponseWriter, r *http.Request) {
	id := idParam(r)
	snap := s.snapshot()
	if snap == nil {
		s.renderMessage(w, r, http.StatusOK, "Waiting for the first evaluation",
			"burnwatch has not evaluated "+id+" yet. This page shows it after the first evaluation.")
		return
	}
	st := findStatus(snap, id)
	if st == nil {
		s.renderMessage(w, r, http.StatusNotFound, "No such SLO", "No SLO has the id "+id+". The overview lists every SLO.")
		return
	}
	s.render(w, r, "detail", s.newDetail(r.Context(), snap, st))
}

func findStatus(snap *Snapshot, id string) *burnrate.Status {
	for i := range snap.Statuses {
		if snap.Statuses[i].SLO.ID == id {
			return &snap.Statuses[i]
		}
	}
	return nil
}

func (s *server) newDetail(ctx context.Context, snap *Snapshot, st *burnrate.Status) *detailPage {
	sl := st.SLO
	p := &detailPage{
		Layout: s.layout(snap, sl.ID, "slo"), row: s.newRow(snap, st),
		Rules: ruleLines(st), Disabled: disabledTiers(sl), Exhaustion: exhaustion(st),
		Spec:    newSpecView(sl),
		APILink: s.path("/api/v1/slos/" + escapeID(sl.ID)),
	}
	p.Permalink = s.absolute(s.sloPath(sl.ID))
	p.SLO = sloFacts{
		ID: sl.ID, Name: sl.Name, Service: sl.Service, Team: sl.Team, Description: sl.Description,
		TeamLink:    s.path("/") + "?" + url.Values{"team": {sl.Team}}.Encode(),
		ServiceLink: s.path("/") + "?" + url.Values{"service": {sl.Service}, "group": {"service"}}.Encode(),
		AlertName:   sl.Alerting.Name, RunbookURL: sl.Alerting.RunbookURL,
		SlackChannel: sl.Owners.SlackChannel, PagerDutyService: sl.Owners.PagerDutyService,
		Labels: sortedLabels(sl.Labels),
	}
	if sl.Source.Path != "" {
		p.SLO.Source = fmt.Sprintf("%s:%d:%d", sl.Source.Path, sl.Source.Line, sl.Source.Column)
	}
	rem := budgetRemaining(st)
	p.Budget = budgetFacts{
		Remaining: percent(rem), Consumed: percent(1 - rem), ErrorRatio: errorRatio(st.Budget.ErrorRatio),
		PeriodStart: clock(st.Budget.PeriodStart), PeriodEnd: clock(st.Budget.PeriodEnd), Period: sl.Period.String(),
		Covered: budgetCovered(st), Bar: p.Bar,
	}
	for _, ws := range st.Windows {
		wr := windowRow{
			Window: burnrate.FormatWindow(ws.Window), ErrorRatio: errorRatio(ws.ErrorRatio), BurnRate: burn(ws.BurnRate),
			Good: count(ws.Good), Valid: count(ws.Valid), Bad: count(ws.Valid - ws.Good),
			Coverage: windowCoverage(ws),
		}
		if ws.BurnRate > 1 {
			wr.Class = "warn"
		}
		p.Windows = append(p.Windows, wr)
	}
	if len(st.Windows) > 0 {
		bars := newBurnBars("burn-bars", st)
		p.Bars = &bars
	}

	// Charts and the timeline share a span: the history's, or the period.
	from, to := sl.Period.Bounds(snap.At)
	var h *burnrate.SLOHistory
	p.History, h = s.historyView(ctx, st, snap.At)
	if h != nil {
		from, to = h.From, h.To
	}
	var items []timelineItem
	p.Incidents, items = s.sloIncidents(snap, sl.ID)
	p.Timeline = newTimeline("alert-timeline", from, to, snap.At, items)
	p.Traces = sloTraces(snap.Incidents, sl.ID)
	return p
}

// historyView fetches (or reuses) the SLO's history and lays out its
// charts. A failed query becomes a message on the page, not a 500.
func (s *server) historyView(ctx context.Context, st *burnrate.Status, at time.Time) (historyView, *burnrate.SLOHistory) {
	if s.history == nil {
		return historyView{Off: true}, nil
	}
	h, err := s.history.get(ctx, st.SLO, at)
	if err != nil {
		s.log.Warn("history for the dashboard failed", "slo", st.SLO.ID, "err", err)
		return historyView{Error: err.Error()}, nil
	}
	v := historyView{Step: span(h.Step), Queries: h.Queries}
	v.Budget, v.Burn, v.Ratio = historyCharts(st.SLO, h)
	return v, h
}

// historyCharts are the budget, burn-rate and error-ratio charts.
func historyCharts(sl *slo.SLO, h *burnrate.SLOHistory) (budget, burnChart, ratio *lineChart) {
	b := newLineChart(chartSpec{
		id: "chart-budget", title: "Error budget remaining over the period",
		desc: fmt.Sprintf("Share of the %s error budget left at each point; below 0%% the budget is overspent.", sl.Period),
		from: h.From, to: h.To, now: h.At,
		series: []chartSeries{{label: "budget remaining", class: "s0", points: h.BudgetRemaining}},
		rules:  []chartRule{{label: "budget spent (0%)", class: "zero", value: 0}},
		yMin:   0, yMax: 1, yLabel: "budget left", yFormat: tickPercent,
		corrections: h.Corrections,
	})
	var burns []chartSeries
	var rules []chartRule
	for i, b := range h.BurnRates {
		window := burnrate.FormatWindow(b.Rule.Long)
		burns = append(burns, chartSeries{label: "burn rate over " + window, class: fmt.Sprintf("s%d", i), points: b.Points})
		rules = append(rules, chartRule{label: fmt.Sprintf("%s above %s (%s rule)", b.Rule.Severity, burn(b.Rule.Factor), window), class: string(b.Rule.Severity), value: b.Rule.Factor})
	}
	br := newLineChart(chartSpec{
		id: "chart-burn", title: "Burn rate of the page windows over the period",
		desc: "Burn rate over each page rule's long window; a rule fires when its long and short windows both exceed its threshold.",
		from: h.From, to: h.To, now: h.At, series: burns, rules: rules,
		yMin: 0, yMax: 1, yLabel: "burn rate", yFormat: burn,
		corrections: h.Corrections,
	})
	r := newLineChart(chartSpec{
		id: "chart-error-ratio", title: "Error ratio per " + span(h.Step),
		desc: fmt.Sprintf("Share of bad events in each %s step; the dashed line is what the %s objective allows (burn rate 1).", span(h.Step), objective(sl.Objective)),
		from: h.From, to: h.To, now: h.At,
		series: []chartSeries{{label: "error ratio per " + span(h.Step), class: "s2", points: h.ErrorRatio}},
		rules:  []chartRule{{label: "allowed by the objective: " + errorRatio(sl.ErrorBudget()), class: "one", value: sl.ErrorBudget()}},
		yMin:   0, yMax: 0, yLabel: "error ratio", yFormat: tickPercent,
		corrections: h.Corrections,
	})
	return &b, &br, &r
}

// tickPercent renders an axis value as a percentage without dust: "20%",
// "0.15%".
func tickPercent(v float64) string {
	s := fmt.Sprintf("%.4g", v*100)
	if strings.Contains(s, "e") {
		s = fmt.Sprintf("%f", v*100)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + "%"
}
