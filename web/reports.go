package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/reports"
)

// ReportPath returns the path of a team's report below the dashboard's
// root, for links in sent reports.
func ReportPath(team, period string) string {
	return "/reports/" + url.PathEscape(team) + "?period=" + url.QueryEscape(period)
}

// reportPage is what the report template shows.
type reportPage struct {
	Layout              layout
	Title               string
	Team, Period        string
	WeekLink, MonthLink string
	SLOs                []reportSLOView
	Closest             []reportSLOView
	Incidents           []reportIncidentView
}

type reportSLOView struct {
	ID, Link                       string
	Objective, Attainment          string
	Met                            bool
	Consumed, Remaining, Exhausted string
}

type reportIncidentView struct {
	SLOID, Link, Kind, Severity string
	Started, StartedTime        string
	Duration                    string
}

// reportTimeout bounds the queries of one report.
const reportTimeout = 30 * time.Second

// report renders /reports/{team}?period=week|month: the team's digest of
// the last complete week or month.
func (s *server) report(w http.ResponseWriter, r *http.Request) {
	team := chi.URLParam(r, "team")
	period := r.URL.Query().Get("period")
	if period == "" {
		period = reports.Week
	}
	snap := s.snapshot()
	switch {
	case period != reports.Week && period != reports.Month:
		s.renderMessage(w, r, http.StatusBadRequest, "No such report", "A report covers a week or a month: ?period=week or ?period=month.")
		return
	case snap == nil:
		s.renderMessage(w, r, http.StatusServiceUnavailable, "Waiting for the first evaluation", "The report is made from the first evaluation; it has not run yet.")
		return
	case s.opts.Querier == nil:
		s.renderMessage(w, r, http.StatusServiceUnavailable, "Reports are off", "Reports query Prometheus, and this dashboard has no querier.")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), reportTimeout)
	defer cancel()
	d, ok, err := reports.Build(ctx, reports.Input{Team: team, Period: period, At: snap.At, Statuses: snap.Statuses,
		Incidents: snap.Incidents, Querier: s.opts.Querier})
	switch {
	case err != nil:
		s.log.Error("build report", "team", team, "period", period, "err", err)
		s.renderMessage(w, r, http.StatusBadGateway, "The report could not be made", "A query failed: "+err.Error())
		return
	case !ok:
		s.renderMessage(w, r, http.StatusNotFound, "No such team", "No SLO belongs to the team "+team+".")
		return
	}
	s.render(w, r, "report", s.newReportPage(snap, d))
}

func (s *server) newReportPage(snap *Snapshot, d *alerting.Digest) *reportPage {
	p := &reportPage{Layout: s.layout(snap, d.Title(), ""), Title: d.Title(), Team: d.Team, Period: d.Period,
		WeekLink: s.path(ReportPath(d.Team, reports.Week)), MonthLink: s.path(ReportPath(d.Team, reports.Month))}
	view := func(ds alerting.DigestSLO) reportSLOView {
		v := reportSLOView{ID: ds.ID, Link: s.sloPath(ds.ID), Objective: objective(ds.Objective),
			Attainment: sliPercent(float64(ds.Attainment)), Met: ds.Met,
			Consumed: percent(float64(ds.BudgetConsumed)), Remaining: percent(float64(ds.BudgetRemaining)), Exhausted: unknown}
		if e := float64(ds.ExhaustedInSeconds); !math.IsNaN(e) {
			v.Exhausted = span(time.Duration(e) * time.Second)
		}
		return v
	}
	for _, ds := range d.SLOs {
		p.SLOs = append(p.SLOs, view(ds))
	}
	for _, ds := range d.ClosestToExhaustion {
		p.Closest = append(p.Closest, view(ds))
	}
	for _, i := range d.Incidents {
		p.Incidents = append(p.Incidents, reportIncidentView{SLOID: i.SLOID, Link: s.sloPath(i.SLOID), Kind: string(i.Kind),
			Severity: string(i.Severity), Started: clock(i.StartedAt), StartedTime: machineTime(i.StartedAt),
			Duration: span(time.Duration(i.DurationSeconds) * time.Second)})
	}
	return p
}

// sliPercent renders an attainment with three decimals: "99.405%".
func sliPercent(v float64) string {
	if math.IsNaN(v) {
		return unknown
	}
	return objective(math.Round(v*1e5) / 1e5)
}
