package web

// This file says how much of its span each number on the dashboard covers:
// a Prometheus with two hours of history gives a budget over those two
// hours, not over the 30d period, and a 6h window that holds only 2h of
// data. It also says since when an SLO without data has had none, as far
// as its open incidents tell.

import (
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// budgetCovered renders how much of the period st's budget was counted
// over, "2h" or "1h 57m", when that is less than the period so far; ""
// otherwise.
func budgetCovered(st *burnrate.Status) string {
	d := alerting.BudgetCovered(st)
	if d <= 0 || st.State == burnrate.StateError || st.State == burnrate.StateNoData {
		return ""
	}
	return span(d.Round(time.Minute))
}

// budgetScope is "over the last 2h of 30d" (or "of this month") when st's
// budget was counted over less than the period so far; "" otherwise.
func budgetScope(st *burnrate.Status) string {
	c := budgetCovered(st)
	switch {
	case c == "":
		return ""
	case st.SLO.Period.Calendar != "":
		return "over the last " + c + " of this " + st.SLO.Period.String()
	}
	return "over the last " + c + " of " + st.SLO.Period.String()
}

// windowCoverage says that a window holds less data than its length: "the
// data covers only the last 2h of this 6h window"; "" when it is covered
// or its coverage is not known.
func windowCoverage(w burnrate.WindowStatus) string {
	if w.Covered <= 0 || w.Covered >= w.Window {
		return ""
	}
	return "the data covers only the last " + span(w.Covered.Round(time.Minute)) +
		" of this " + burnrate.FormatWindow(w.Window) + " window"
}

// ruleCoverage says which of a rule's windows hold less data than their
// length: "The data covers only the last 2h of the 3d and 6h windows.";
// "" when both are covered or their coverage is not known.
func ruleCoverage(st *burnrate.Status, w slo.Window) string {
	var short []string
	var covered time.Duration
	for _, d := range []time.Duration{w.Long, w.Short} {
		if ws, ok := st.Window(d); ok && windowCoverage(ws) != "" {
			short = append(short, burnrate.FormatWindow(d))
			covered = ws.Covered
		}
	}
	switch len(short) {
	case 0:
		return ""
	case 1:
		return "The data covers only the last " + span(covered.Round(time.Minute)) + " of the " + short[0] + " window."
	}
	return "The data covers only the last " + span(covered.Round(time.Minute)) + " of the " + strings.Join(short, " and ") + " windows."
}

// noDataSince is since when an SLO in state no_data has had no data: the
// start of its open no-data incident or the mark on its held burn
// incident, the earlier of them. Zero when the SLO has data, or no open
// incident says since when (the no-data delay has not passed yet).
func noDataSince(snap *Snapshot, st *burnrate.Status) time.Time {
	var since time.Time
	if st.State != burnrate.StateNoData {
		return since
	}
	for _, in := range snap.Incidents {
		if in.SLOID != st.SLO.ID || in.State != alerting.IncidentFiring {
			continue
		}
		t := in.NoDataSince
		if in.Kind == alerting.KindNoData {
			t = in.StartedAt
		}
		if !t.IsZero() && (since.IsZero() || t.Before(since)) {
			since = t
		}
	}
	return since
}
