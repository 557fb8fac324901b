package web

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/slo"
)

// A detail page shows one time range: a preset (the last hour, six hours,
// day, week, or the SLO's period), a custom from/to in the URL, or, while
// an incident of the SLO is open and the URL names none, the incident from
// shortly before it started. Every chart, the distribution and the
// exemplar list follow it, and the page's links keep it.

// timeRange is the span a detail page charts.
type timeRange struct {
	From, To time.Time
	// Name is the preset ("1h", "period"), "custom" or "incident".
	Name string
	// Query is the URL query that selects the range again; empty for the
	// default.
	Query url.Values
	// Problem says why the URL's range was not used, when it was not.
	Problem string
}

// rangePresets are the fixed ranges a detail page offers, shortest first.
var rangePresets = []struct {
	name string
	span time.Duration
}{
	{"1h", time.Hour}, {"6h", 6 * time.Hour}, {"1d", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour},
}

const (
	// incidentLead is how long before an open incident's start its
	// default range begins: the distribution then shows the change.
	incidentLead = 30 * time.Minute
	// minRange is the shortest custom range.
	minRange = 5 * time.Minute
)

// parseRange reads the range of a detail page from its URL query:
// range=1h|6h|1d|7d|period, or from= and to= (RFC 3339 or Unix seconds; to
// defaults to the evaluation). A range the URL gets wrong falls back to
// the default, with the problem said on the page.
func parseRange(q url.Values, sl *slo.SLO, at time.Time, incidents []alerting.Incident) timeRange {
	def := defaultRange(sl, at, incidents)
	name := q.Get("range")
	from, to := q.Get("from"), q.Get("to")
	switch {
	case from != "" || to != "":
		r, err := customRange(from, to, sl, at)
		if err != nil {
			def.Problem = err.Error()
			return def
		}
		return r
	case name == "":
		return def
	case name == "period":
		return periodRange(sl, at)
	}
	for _, p := range rangePresets {
		if p.name == name {
			return timeRange{From: at.Add(-p.span), To: at, Name: name, Query: url.Values{"range": {name}}}
		}
	}
	def.Problem = fmt.Sprintf("range %q is not one of 1h, 6h, 1d, 7d or period", name)
	return def
}

func periodRange(sl *slo.SLO, at time.Time) timeRange {
	from, to := sl.Period.Bounds(at)
	return timeRange{From: from, To: to, Name: "period", Query: url.Values{"range": {"period"}}}
}

// defaultRange starts shortly before the SLO's oldest open incident, or is
// the SLO's period when none is open.
func defaultRange(sl *slo.SLO, at time.Time, incidents []alerting.Incident) timeRange {
	var start time.Time
	for _, in := range incidents {
		if in.SLOID == sl.ID && in.State == alerting.IncidentFiring && (start.IsZero() || in.StartedAt.Before(start)) {
			start = in.StartedAt
		}
	}
	if start.IsZero() || !start.Before(at) {
		r := periodRange(sl, at)
		r.Query = nil
		return r
	}
	from := start.Add(-incidentLead).Truncate(time.Minute)
	return timeRange{From: from, To: at, Name: "incident"}
}

// customRange reads from= and to=.
func customRange(fromText, toText string, sl *slo.SLO, at time.Time) (timeRange, error) {
	to := at
	if toText != "" {
		t, err := parseInstant(toText)
		if err != nil {
			return timeRange{}, fmt.Errorf("to=%q: %w", toText, err)
		}
		to = t
	}
	if fromText == "" {
		return timeRange{}, fmt.Errorf("to= needs a from=")
	}
	from, err := parseInstant(fromText)
	if err != nil {
		return timeRange{}, fmt.Errorf("from=%q: %w", fromText, err)
	}
	longest := max(sl.Period.Nominal(), 35*24*time.Hour)
	switch {
	case to.Sub(from) < minRange:
		return timeRange{}, fmt.Errorf("from %s to %s is shorter than %s", clock(from), clock(to), span(minRange))
	case to.Sub(from) > longest:
		return timeRange{}, fmt.Errorf("from %s to %s is longer than %s", clock(from), clock(to), span(longest))
	}
	q := url.Values{"from": {fromText}}
	if toText != "" {
		q.Set("to", toText)
	}
	return timeRange{From: from.UTC(), To: to.UTC(), Name: "custom", Query: q}, nil
}

// parseInstant reads RFC 3339 or Unix seconds.
func parseInstant(s string) (time.Time, error) {
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Unix(0, int64(secs*float64(time.Second))).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an RFC 3339 time or Unix seconds")
	}
	return t.UTC(), nil
}

// Span is the range's length.
func (r timeRange) Span() time.Duration { return r.To.Sub(r.From) }

// until is the range's end, or `at` when the range reaches past it (a
// calendar period): nothing is known after the evaluation.
func (r timeRange) until(at time.Time) time.Time {
	if r.To.After(at) {
		return at
	}
	return r.To
}

// key identifies the range's charts in the history cache: a preset by
// name (it moves with the evaluation, and the cache's TTL bounds how far),
// a custom or incident range by its start and end.
func (r timeRange) key(id string) string {
	switch r.Name {
	case "custom":
		return fmt.Sprintf("%s|range|%d|%d", id, r.From.Unix(), r.To.Unix())
	case "incident":
		return fmt.Sprintf("%s|range|incident|%d", id, r.From.Unix())
	}
	return id + "|range|" + r.Name
}

// with returns path with the range's query, so that a link keeps it.
func (r timeRange) with(path string) string {
	if len(r.Query) == 0 {
		return path
	}
	return path + "?" + r.Query.Encode()
}

// rangeStep is the distance between a range's points: a round duration
// that cuts it into at most rangeColumns steps, at least a minute.
func rangeStep(span time.Duration) time.Duration {
	for _, s := range rangeSteps {
		if span/s <= rangeColumns {
			return s
		}
	}
	return rangeSteps[len(rangeSteps)-1]
}

const rangeColumns = 180

var rangeSteps = []time.Duration{
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// rangeLink is one entry of the range control.
type rangeLink struct {
	Label, Href string
	Current     bool
}

// rangeControl is the range selector of a detail page.
type rangeControl struct {
	Links []rangeLink
	// Action, From and To fill the custom range form.
	Action, From, To string
	Label            string
	Problem          string
}

func newRangeControl(path string, r timeRange, sl *slo.SLO) rangeControl {
	c := rangeControl{
		Action: path, From: r.From.Format(time.RFC3339), To: r.To.Format(time.RFC3339), Problem: r.Problem,
		Label: fmt.Sprintf("%s to %s (%s)", clock(r.From), clock(r.To), span(r.Span())),
	}
	for _, p := range rangePresets {
		c.Links = append(c.Links, rangeLink{Label: p.name, Href: path + "?range=" + p.name, Current: r.Name == p.name})
	}
	c.Links = append(c.Links, rangeLink{Label: "period (" + sl.Period.String() + ")", Href: path + "?range=period", Current: r.Name == "period"})
	return c
}
