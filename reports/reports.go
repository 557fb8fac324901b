// Package reports builds a team's weekly and monthly SLO digest: each
// SLO's attainment against its objective and the budget the period's bad
// events consumed, the incidents with their durations, and the SLOs
// closest to exhausting their budget now. The dashboard renders it at
// /reports/{team}; the daemon sends it to the team's route once per period
// through the alert outbox (alerting.Manager.QueueReport).
package reports

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
)

// The report periods.
const (
	Week  = "week"
	Month = "month"
)

// Periods are the periods a report is made for, in the order they are sent.
var Periods = []string{Week, Month}

// LastComplete returns the last calendar period (an ISO week from Monday
// 00:00 UTC, or a month from the 1st) that ended at or before at.
func LastComplete(period string, at time.Time) (from, to time.Time, err error) {
	at = at.UTC()
	switch period {
	case Week:
		offset := (int(at.Weekday()) + 6) % 7 // days since Monday
		to = time.Date(at.Year(), at.Month(), at.Day()-offset, 0, 0, 0, 0, time.UTC)
		return to.AddDate(0, 0, -7), to, nil
	case Month:
		to = time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, time.UTC)
		return to.AddDate(0, -1, 0), to, nil
	}
	return time.Time{}, time.Time{}, fmt.Errorf("report period %q is neither week nor month", period)
}

// SendWithin is how long after its period ends a report is still sent: a
// daemon that was down longer skips it rather than sending stale news.
const SendWithin = 24 * time.Hour

// Input is what a digest is built from.
type Input struct {
	Team   string
	Period string
	// At is when the report is made; it covers the last complete period.
	At time.Time
	// Statuses are the latest evaluation (every team's; the team's are
	// picked).
	Statuses []burnrate.Status
	// Incidents are the recent incidents (open and resolved).
	Incidents []alerting.Incident
	// Querier answers the attainment queries.
	Querier burnrate.Querier
	// URL is the report's address on the dashboard, if known.
	URL string
}

// closest is how many SLOs a digest lists as closest to exhaustion.
const closest = 3

// Build builds a team's digest. ok is false when the team has no SLO.
func Build(ctx context.Context, in Input) (d *alerting.Digest, ok bool, err error) {
	from, to, err := LastComplete(in.Period, in.At)
	if err != nil {
		return nil, false, err
	}
	d = &alerting.Digest{Team: in.Team, Period: in.Period, From: from, To: to, URL: in.URL,
		SLOs: []alerting.DigestSLO{}, Incidents: []alerting.DigestIncident{}, ClosestToExhaustion: []alerting.DigestSLO{}}
	ids := map[string]bool{}
	for i := range in.Statuses {
		st := &in.Statuses[i]
		if st.SLO.Team != in.Team {
			continue
		}
		ids[st.SLO.ID] = true
		a, err := burnrate.AttainmentOver(ctx, in.Querier, st.SLO, from, to)
		if err != nil {
			return nil, false, fmt.Errorf("report of team %s: %w", in.Team, err)
		}
		ds := alerting.DigestSLO{ID: st.SLO.ID, Objective: st.SLO.Objective, Attainment: burnrate.Number(a.SLI()),
			Met: a.SLI() >= st.SLO.Objective, BudgetConsumed: burnrate.Number(a.BudgetConsumed),
			BudgetRemaining: burnrate.Number(st.Budget.Remaining), ExhaustedInSeconds: burnrate.Number(math.NaN())}
		if math.IsNaN(a.ErrorRatio) {
			ds.Met = true // no valid events: nothing fell short
		}
		if st.State == burnrate.StateError {
			ds.BudgetRemaining = burnrate.Number(math.NaN())
		} else if st.Budget.Exhausts {
			ds.ExhaustedInSeconds = burnrate.Number(st.Budget.ExhaustedIn.Seconds())
		}
		d.SLOs = append(d.SLOs, ds)
	}
	if len(d.SLOs) == 0 {
		return nil, false, nil
	}
	slices.SortStableFunc(d.SLOs, func(a, b alerting.DigestSLO) int { return compareNaNLast(float64(a.Attainment), float64(b.Attainment)) })
	d.ClosestToExhaustion = closestToExhaustion(d.SLOs)
	d.Incidents = incidents(in.Incidents, ids, from, to)
	return d, true, nil
}

// closestToExhaustion picks the SLOs with the least budget left now.
func closestToExhaustion(slos []alerting.DigestSLO) []alerting.DigestSLO {
	var known []alerting.DigestSLO
	for _, s := range slos {
		if !math.IsNaN(float64(s.BudgetRemaining)) {
			known = append(known, s)
		}
	}
	slices.SortStableFunc(known, func(a, b alerting.DigestSLO) int {
		return compareNaNLast(float64(a.BudgetRemaining), float64(b.BudgetRemaining))
	})
	return known[:min(closest, len(known))]
}

// incidents lists the team's incidents that overlap [from, to), oldest
// first, with how long each fired within it.
func incidents(all []alerting.Incident, ids map[string]bool, from, to time.Time) []alerting.DigestIncident {
	out := []alerting.DigestIncident{}
	for _, inc := range all {
		if !ids[inc.SLOID] || inc.Kind == alerting.KindReport {
			continue
		}
		end := inc.ResolvedAt
		if end.IsZero() || end.After(to) {
			end = to
		}
		start := inc.StartedAt
		if start.Before(from) {
			start = from
		}
		if !start.Before(end) {
			continue
		}
		out = append(out, alerting.DigestIncident{SLOID: inc.SLOID, Kind: inc.Kind, Severity: inc.Severity,
			StartedAt: inc.StartedAt, ResolvedAt: inc.ResolvedAt, DurationSeconds: end.Sub(start).Seconds()})
	}
	slices.SortStableFunc(out, func(a, b alerting.DigestIncident) int { return a.StartedAt.Compare(b.StartedAt) })
	return out
}

// compareNaNLast orders numbers ascending with NaN after every number.
func compareNaNLast(a, b float64) int {
	switch {
	case math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a):
		return 1
	case math.IsNaN(b):
		return -1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
