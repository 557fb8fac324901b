package burnrate

import (
	"cmp"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// status computes one SLO's status from the answers of a cycle.
func status(sp *sloPlan, ans *answers, corr *correctionTerms, at time.Time) Status {
	s := sp.slo
	st := Status{SLO: s, At: at, State: StateOK}
	for _, r := range sp.refs() {
		if err := ans.errs[r.src]; err != nil {
			st.State, st.Reason = StateError, err.Error()
			return st
		}
	}
	if err := corr.err(sp); err != nil {
		st.State, st.Reason = StateError, err.Error()
		return st
	}
	budget := s.ErrorBudget()
	period := sp.windows[len(sp.windows)-1]
	for _, w := range sp.windows[:len(sp.windows)-1] {
		ws := windowStatus(sp, ans, corr, w, budget)
		st.Windows = append(st.Windows, ws)
	}
	periodStatus := windowStatus(sp, ans, corr, period, budget)
	start, end := s.Period.Bounds(at)
	st.Budget = Budget{PeriodStart: start, PeriodEnd: end, ErrorRatio: periodStatus.ErrorRatio}
	st.Budget.Remaining = BudgetRemaining(periodStatus.ErrorRatio, budget)
	st.Budget.Consumed = 1 - st.Budget.Remaining

	heldWhy := ""
	for _, w := range Policy(s) {
		long, _ := st.Window(w.Long)
		short, _ := st.Window(w.Short)
		a := AlertStatus{Window: w, LongBurnRate: long.BurnRate, ShortBurnRate: short.BurnRate}
		// NaN compares false: a window without valid events never fires.
		burning := long.BurnRate > w.Factor && short.BurnRate > w.Factor
		if burning {
			why := lowTrafficHold(s, w, long)
			a.Held, a.Firing = why != "", why == ""
			heldWhy = cmp.Or(heldWhy, why)
		}
		st.Alerts = append(st.Alerts, a)
	}
	if rate := shortestPageBurn(st); !math.IsNaN(rate) {
		st.Budget.ExhaustedIn, st.Budget.Exhausts = TimeToExhaustion(st.Budget.Remaining, rate, s.Period.Nominal())
	}
	st.Exhaustion = exhaustion(&st)
	missing := noDataWindows(st)
	switch {
	case math.IsNaN(periodStatus.ErrorRatio) && periodStatus.Corrected < period && (sp.ratio != nil || !(periodStatus.Valid > 0)):
		st.State, st.Reason = StateNoData, noDataReason(s, period, start)
	case len(missing) > 0:
		st.State, st.Reason = StateNoData, missingSeriesReason(sp, missing)
	case heldWhy != "":
		st.State, st.Reason = StateLowTraffic, heldWhy
	}
	return st
}

func noDataReason(s *slo.SLO, period time.Duration, start time.Time) string {
	if s.Period.Calendar != "" {
		return fmt.Sprintf("no valid events since the %s began at %s", s.Period.Calendar, start.Format(time.RFC3339))
	}
	return fmt.Sprintf("no valid events in the last %s", FormatWindow(period))
}

// noDataWindows lists the windows of the SLO's alert rules that had no
// series, shortest first.
func noDataWindows(st Status) []time.Duration {
	used := map[time.Duration]bool{}
	for _, w := range Policy(st.SLO) {
		used[w.Long], used[w.Short] = true, true
	}
	var out []time.Duration
	for _, w := range st.Windows {
		if w.NoData && used[w.Window] {
			out = append(out, w.Window)
		}
	}
	return out
}

// missingSeriesReason says which windows had no series, and the query that
// found none, with the usual causes.
func missingSeriesReason(sp *sloPlan, windows []time.Duration) string {
	names := make([]string, len(windows))
	for i, w := range windows {
		names[i] = FormatWindow(w)
	}
	sli := sp.slo.SLI
	query, err := sli.TotalQueryFor(names[0])
	if sli.Kind == slo.SLIRaw || err != nil {
		query, _ = sli.ErrorRatioQueryFor(names[0])
	}
	noun := "window"
	if len(names) > 1 {
		noun = "windows"
	}
	return fmt.Sprintf("no data over the %s %s: %s returned no series (a renamed metric, a wrong tenant, or a scrape job that stopped?)",
		strings.Join(names, ", "), noun, query)
}

// windowStatus reads an SLO's numbers over one window, without the events
// inside its corrections.
func windowStatus(sp *sloPlan, ans *answers, corr *correctionTerms, w time.Duration, budget float64) WindowStatus {
	cw := corr.window(sp, w)
	if cw != nil && cw.full {
		return correctedStatus(sp, w)
	}
	ws := WindowStatus{Window: w, Good: math.NaN(), Valid: math.NaN(), ErrorRatio: math.NaN(), Corrected: cw.correctedLength()}
	// read is a number an SLO reads; NaN (0/0) counts as no answer.
	read := func(r *ref) (float64, bool) {
		v, ok := ans.values[r.src][w][r.key]
		v = corr.subtract(cw, r, v)
		if r.perSecond {
			v /= w.Seconds()
		}
		return v, ok && !math.IsNaN(v)
	}
	switch {
	case sp.ratio != nil:
		// A raw SLI's 0/0 is a window without events, not missing series:
		// only an answer with no series at all is no data.
		v, present := ans.values[sp.ratio.src][w][sp.ratio.key]
		if present && !math.IsNaN(v) {
			ws.ErrorRatio = math.Min(1, math.Max(0, v))
		}
		ws.NoData = !present
	default:
		valid, ok := read(sp.valid)
		if !ok {
			// No series at all: missing data, counted as no events.
			valid, ws.NoData = 0, true
		}
		ws.Valid = valid
		switch {
		case sp.good != nil:
			good, _ := read(sp.good)
			ws.Good = math.Min(good, valid)
		case sp.bad != nil:
			// A ref without an answer counts nothing: an alternative of
			// the error matcher with no failed calls has no series. No
			// data is the valid events' to say.
			bad := 0.0
			for _, r := range sp.bad {
				v, _ := read(r)
				bad += v
			}
			ws.Good = valid - math.Min(bad, valid)
		}
		ws.ErrorRatio = errorRatio(valid-ws.Good, valid)
	}
	ws.BurnRate = BurnRate(ws.ErrorRatio, budget)
	return ws
}

// shortestPageBurn is the burn rate over the long window of the first page
// rule: the pace the budget is spent at now.
func shortestPageBurn(st Status) float64 {
	for _, a := range st.Alerts {
		if a.Severity == slo.Page {
			return a.LongBurnRate
		}
	}
	if len(st.Windows) > 0 {
		return st.Windows[0].BurnRate
	}
	return math.NaN()
}
