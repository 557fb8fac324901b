package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
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
	Range      rangeControl
	History    historyView
	Timeline   timeline
	Incidents  []incidentView
	Traces     []traceView
	Spec       specView
	// SpecLinks run the spec's queries elsewhere, by their label.
	SpecLinks map[string]queryLink
	Permalink string
	APILink   string
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

// historyView holds the history charts of the page's range, or why there
// are none.
type historyView struct {
	Off                 bool
	Error               string
	Step                string
	Budget, Burn, Ratio *lineChart
	// Distribution is the latency heatmap or the failed calls, with the
	// exemplars of the range.
	Distribution *heatmap
	// Exemplars are the range's bad exemplars as trace links, worst first.
	Exemplars       []traceView
	ExemplarProblem string
	Queries         []queryLink
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
	s.render(w, r, "detail", s.newDetail(r.Context(), snap, st, r.URL.Query()))
}

func findStatus(snap *Snapshot, id string) *burnrate.Status {
	for i := range snap.Statuses {
		if snap.Statuses[i].SLO.ID == id {
			return &snap.Statuses[i]
		}
	}
	return nil
}

func (s *server) newDetail(ctx context.Context, snap *Snapshot, st *burnrate.Status, query url.Values) *detailPage {
	sl := st.SLO
	p := &detailPage{
		Layout: s.layout(snap, sl.ID, "slo"), row: s.newRow(snap, st),
		Rules: ruleLines(st), Disabled: disabledTiers(sl), Exhaustion: exhaustion(st),
		Spec:    newSpecView(sl),
		APILink: s.path("/api/v1/slos/" + escapeID(sl.ID)),
	}
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

	// Charts, the timeline and the traces share the page's range.
	rng := parseRange(query, sl, snap.At, snap.Incidents)
	p.Range = newRangeControl(s.sloPath(sl.ID), rng, sl)
	p.Permalink = s.absolute(rng.with(s.sloPath(sl.ID)))
	p.History = s.historyView(ctx, st, snap.At, rng)
	p.SpecLinks = map[string]queryLink{}
	for name, expr := range map[string]string{"bad": p.Spec.BadQuery, "total": p.Spec.TotalQuery, "ratio": p.Spec.RatioQuery} {
		if expr != "" {
			p.SpecLinks[name] = s.linksOut.link(expr, rng.From, rng.until(snap.At))
		}
	}
	var items []timelineItem
	p.Incidents, items = s.sloIncidents(snap, sl.ID)
	p.Timeline = newTimeline("alert-timeline", rng.From, rng.To, snap.At, items)
	p.Traces = sloTraces(snap.Incidents, sl.ID, rng.From, rng.To)
	return p
}

// historyView fetches (or reuses) the SLO's history over its period, for
// the budget, and the series of the page's range, and lays out their
// charts. A failed query becomes a message on the page, not a 500.
func (s *server) historyView(ctx context.Context, st *burnrate.Status, at time.Time, rng timeRange) historyView {
	if s.history == nil {
		return historyView{Off: true}
	}
	sl := st.SLO
	rule := explainedRule(st)
	var windows []time.Duration
	key := rng.key(sl.ID)
	if rule != nil {
		windows = []time.Duration{rule.Long, rule.Short}
		key += "|" + burnrate.FormatWindow(rule.Long) + "|" + burnrate.FormatWindow(rule.Short)
	}
	v, err := s.history.load(ctx, key, sl, func(ctx context.Context, q burnrate.Querier) (any, error) {
		return rangeSeries(ctx, q, s.opts.Exemplars, sl, rng, at, windows)
	})
	if err != nil {
		s.log.Warn("range history for the dashboard failed", "slo", sl.ID, "err", err)
		return historyView{Error: err.Error()}
	}
	d := v.(*rangeData)
	h, err := s.history.get(ctx, sl, at)
	if err != nil {
		s.log.Warn("history for the dashboard failed", "slo", sl.ID, "err", err)
		return historyView{Error: err.Error()}
	}
	h = s.rangeBudget(ctx, sl, h, rng, at)
	hv := historyView{Step: span(d.Step), ExemplarProblem: d.ExemplarProblem}
	hv.Queries = s.linksOut.links(append(append([]string{}, d.Queries...), h.Queries...), rng.From, rng.until(at))
	hv.Budget = budgetChart(st, h, rng)
	hv.Burn = burnChart(st, d, rule, h.Corrections)
	hv.Ratio = ratioChart(sl, d, h.Corrections)
	switch {
	case d.Dist != nil:
		c := newLatencyHeatmap(sl, d, at)
		hv.Distribution = &c
	case sl.SLI.Kind == slo.SLIErrors:
		c := newErrorsChart(d, at)
		hv.Distribution = &c
	}
	hv.Exemplars = badExemplars(d.Exemplars)
	return hv
}

// badExemplars are the bad exemplars of a range as trace links, the worst
// first (the slowest; then the newest), at most maxTraces.
func badExemplars(points []exemplarPoint) []traceView {
	var links []alerting.TraceLink
	seen := map[string]bool{}
	for _, e := range points {
		if e.Bad && !seen[e.Trace.TraceID] {
			seen[e.Trace.TraceID] = true
			links = append(links, e.Trace)
		}
	}
	slices.SortStableFunc(links, func(a, b alerting.TraceLink) int {
		if c := compareFloat(b.Value, a.Value); c != 0 {
			return c
		}
		return b.At.Compare(a.At)
	})
	out := make([]traceView, 0, min(len(links), maxTraces))
	for _, l := range links[:min(len(links), maxTraces)] {
		out = append(out, newTraceView(l, ""))
	}
	return out
}

// explainedRule is the rule the burn-rate chart explains: the firing one
// (the most severe first, as the policy orders them), else the one
// closest to firing, the one whose lower burn rate is nearest its
// threshold. Nil without rules.
func explainedRule(st *burnrate.Status) *burnrate.AlertStatus {
	var best *burnrate.AlertStatus
	closeness := math.Inf(-1)
	for i := range st.Alerts {
		a := &st.Alerts[i]
		if a.Firing {
			return a
		}
		c := math.Min(a.LongBurnRate, a.ShortBurnRate) / a.Factor
		if math.IsNaN(c) {
			c = math.Inf(-1)
		}
		if best == nil || c > closeness {
			best, closeness = a, c
		}
	}
	return best
}

// budgetChart is the remaining budget over the SLO's period, at each
// point of the period's history that falls in the range, and now.
func budgetChart(st *burnrate.Status, h *burnrate.SLOHistory, rng timeRange) *lineChart {
	sl := st.SLO
	var points []burnrate.Point
	for _, p := range h.BudgetRemaining {
		if !p.At.Before(rng.From) && !p.At.After(rng.To) {
			points = append(points, p)
		}
	}
	if rem := budgetRemaining(st); finite(rem) && st.At.After(rng.From) && !st.At.After(rng.To) &&
		(len(points) == 0 || points[len(points)-1].At.Before(st.At)) {
		points = append(points, burnrate.Point{At: st.At, Value: rem})
	}
	desc := fmt.Sprintf("Share of the %s error budget left at each point, every %s; below 0%% the budget is overspent.", sl.Period, span(h.Step))
	var note string
	if sl.Period.Calendar == "" {
		note = fmt.Sprintf("The period rolls: budget spent more than %s before a point no longer counts at it, so the line climbs back once an incident leaves the window.", sl.Period)
	}
	c := newLineChart(chartSpec{
		id: "chart-budget", title: "Error budget remaining over the " + sl.Period.String() + " period",
		desc: desc, from: rng.From, to: rng.To, now: st.At,
		series: []chartSeries{{label: "budget remaining", class: "s0", points: points}},
		rules:  []chartRule{{label: "0% left: the budget is spent", class: "zero", value: 0}},
		yMin:   0, yMax: 1, yLabel: "budget left", yFormat: tickPercent, note: note,
		corrections: h.Corrections,
	})
	return &c
}

// burnChart is the burn rate over the long and short windows of the rule
// the page explains, against its threshold and against 1.
func burnChart(st *burnrate.Status, d *rangeData, rule *burnrate.AlertStatus, corrections []slo.Interval) *lineChart {
	var burns []chartSeries
	var rules []chartRule
	title := "Burn rate"
	desc := "Burn rate over each window of the rule."
	if rule != nil {
		long, short := burnrate.FormatWindow(rule.Long), burnrate.FormatWindow(rule.Short)
		state := "closest to firing"
		if rule.Firing {
			state = "firing"
		}
		title = fmt.Sprintf("Burn rate of the %s rule (%s and %s), %s", rule.Severity, long, short, state)
		desc = fmt.Sprintf("The %s rule fires when the burn rates over %s and %s both exceed %s.", rule.Severity, long, short, burn(rule.Factor))
		rules = append(rules, chartRule{label: fmt.Sprintf("%s above %s", rule.Severity, burn(rule.Factor)), class: string(rule.Severity), value: rule.Factor})
	}
	for i, w := range d.Burns {
		burns = append(burns, chartSeries{label: "burn rate over " + burnrate.FormatWindow(w.Window), class: fmt.Sprintf("s%d", i), points: w.Points})
	}
	if rule == nil || rule.Factor != 1 {
		rules = append(rules, chartRule{label: "burn rate 1", class: "one", value: 1})
	}
	c := newLineChart(chartSpec{
		id: "chart-burn", title: title, desc: desc,
		from: d.From, to: d.To, now: st.At, series: burns, rules: rules,
		yMin: 0, yMax: 1, yLabel: "burn rate", yFormat: burn,
		logAbove: logBarsAbove, logFloor: logBarsFloor,
		corrections: corrections,
	})
	return &c
}

// ratioChart is the error ratio at each point of the range.
func ratioChart(sl *slo.SLO, d *rangeData, corrections []slo.Interval) *lineChart {
	c := newLineChart(chartSpec{
		id: "chart-error-ratio", title: "Error ratio over " + span(d.Window) + " windows, every " + span(d.Step),
		desc: fmt.Sprintf("Share of bad events in the %s before each point; the dashed line is what the %s objective allows (burn rate 1).", span(d.Window), objective(sl.Objective)),
		from: d.From, to: d.To,
		series: []chartSeries{{label: "error ratio over " + span(d.Window), class: "s2", points: d.ErrorRatio}},
		rules:  []chartRule{{label: "allowed by the objective: " + errorRatio(sl.ErrorBudget()), class: "one", value: sl.ErrorBudget()}},
		yMin:   0, yMax: 0, yLabel: "error ratio", yFormat: tickPercent,
		corrections: corrections,
	})
	return &c
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
