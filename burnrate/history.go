package burnrate

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/slo"
)

// History charts an SLO's past from range queries, so that a dashboard has
// the whole period from its first second, not only what it saw since it
// started. The period is cut into steps; each step's bad and valid events
// are one range query each (a "tile" per step), and the budget over the
// period is summed from the tiles: over the last period's worth of tiles at
// each step for a rolling period, from the period's start for a calendar
// one. The burn rate of each page rule's long window is one more range query
// per window, unless HistoryOptions.SkipBurnRates leaves them out.

// HistoryOptions tune History. The zero value is the default.
type HistoryOptions struct {
	// Points is how many steps the SLO's (nominal) period is cut into
	// (default 200). Steps are at least a minute long.
	Points int
	// SkipBurnRates leaves out BurnRates, and their range query per page
	// window, for a chart that draws only the budget and error ratio.
	SkipBurnRates bool
}

const defaultHistoryPoints = 200

// Point is a value of a series at one instant; Value is NaN where nothing
// is known (no valid events).
type Point struct {
	At    time.Time
	Value float64
}

// BurnSeries is the burn rate over one alert rule's long window, step by
// step.
type BurnSeries struct {
	// Rule is the alert rule the series belongs to; its Factor is the
	// threshold the chart draws.
	Rule   slo.Window
	Points []Point
}

// SLOHistory is an SLO's past over its current period, one point per step.
type SLOHistory struct {
	// At is the instant the history ends at.
	At time.Time
	// From and To are the span a chart shows: [At − period, At] for a
	// rolling period, the whole calendar period (To after At) otherwise.
	From, To time.Time
	// Step is the distance between points, and the window of ErrorRatio.
	Step time.Duration
	// ErrorRatio is the error ratio over each step, ending at the point.
	ErrorRatio []Point
	// BurnRates are the burn rates over the long windows of the page rules
	// (of every rule when paging is off), in policy order.
	BurnRates []BurnSeries
	// BudgetRemaining is the share of the error budget left at each point,
	// as the evaluator would have computed it then: 1 untouched, 0 spent,
	// negative overspent. A raw SLI has no event counts, so its budget is
	// the mean of its step error ratios, every step weighted alike.
	BudgetRemaining []Point
	// Queries are the PromQL expressions the history was computed from.
	Queries []string
	// DataSince is where the data begins, to within a step: the start of
	// the oldest step with events. Budgets at points less than a period
	// after it are over that span only (a young Prometheus). Zero when no
	// step has events.
	DataSince time.Time
	// Corrections are the corrected spans between From and At, with their
	// reasons: their events are left out of every series above, and a
	// chart shades them.
	Corrections []slo.Interval
}

// History computes an SLO's history at `at` from range queries to q.
func History(ctx context.Context, q Querier, s *slo.SLO, at time.Time, opts HistoryOptions) (*SLOHistory, error) {
	h, err := history(ctx, q, s, at, opts)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", s.ID, err)
	}
	return h, nil
}

func history(ctx context.Context, q Querier, s *slo.SLO, at time.Time, opts HistoryOptions) (*SLOHistory, error) {
	points := opts.Points
	if points <= 0 {
		points = defaultHistoryPoints
	}
	nominal := s.Period.Nominal()
	step := max((nominal / time.Duration(points)).Round(time.Second), time.Minute)
	start, end := s.Period.Bounds(at)
	h := &SLOHistory{At: at, From: start, To: end, Step: step}

	// Tiles end at at, at − step, …: tile k covers (at − (k+1)·step, at − k·step].
	var charted, tiles int
	if s.Period.Calendar == "" {
		perPeriod := int(math.Round(float64(nominal) / float64(step)))
		charted = perPeriod + 1         // points at at − perPeriod·step … at
		tiles = charted + perPeriod - 1 // the oldest point sums a period of tiles
	} else {
		charted = int((at.Sub(start) + step - 1) / step) // back to the period's start
		tiles = charted
	}
	if charted == 0 {
		return h, nil
	}
	tr := tileReader{q: q, s: s, at: at, step: step, h: h}
	ratio, bad, valid, err := tr.tiles(ctx, tiles, start)
	if err != nil {
		return nil, err
	}
	if err := tr.correctTiles(ctx, ratio, bad, valid, start); err != nil {
		return nil, err
	}
	budget := s.ErrorBudget()
	for k := charted - 1; k >= 0; k-- {
		h.ErrorRatio = append(h.ErrorRatio, Point{At: tr.end(k), Value: ratio[k]})
	}
	counts := valid
	if counts == nil {
		counts = ratio // a raw SLI: steps with an error ratio
	}
	for k := len(counts) - 1; k >= 0; k-- {
		if !math.IsNaN(counts[k]) {
			h.DataSince = tr.end(k).Add(-step)
			break
		}
	}
	if s.Period.Calendar == "" {
		perPeriod := tiles - charted + 1
		for k := charted - 1; k >= 0; k-- {
			h.BudgetRemaining = append(h.BudgetRemaining, Point{At: tr.end(k), Value: remaining(ratio, bad, valid, k, k+perPeriod, budget)})
		}
	} else {
		for k := charted - 1; k >= 0; k-- {
			h.BudgetRemaining = append(h.BudgetRemaining, Point{At: tr.end(k), Value: remaining(ratio, bad, valid, k, tiles, budget)})
		}
	}
	if opts.SkipBurnRates {
		return h, nil
	}
	if h.BurnRates, err = tr.burnRates(ctx, charted); err != nil {
		return nil, err
	}
	if err := tr.correctBurnRates(ctx, h.BurnRates); err != nil {
		return nil, err
	}
	return h, nil
}

// remaining is the budget left given the tiles [from, to): summed events
// when they are known, else the mean step error ratio (a raw SLI). NaN when
// no tile has valid events.
func remaining(ratio, bad, valid []float64, from, to int, budget float64) float64 {
	if bad == nil {
		sum, n := 0.0, 0
		for k := from; k < to && k < len(ratio); k++ {
			if !math.IsNaN(ratio[k]) {
				sum += ratio[k]
				n++
			}
		}
		if n == 0 {
			return math.NaN()
		}
		return BudgetRemaining(sum/float64(n), budget)
	}
	var b, v float64
	for k := from; k < to && k < len(valid); k++ {
		if !math.IsNaN(valid[k]) {
			v += valid[k]
			if !math.IsNaN(bad[k]) {
				b += bad[k]
			}
		}
	}
	r := errorRatio(b, v)
	if math.IsNaN(r) {
		return math.NaN()
	}
	return BudgetRemaining(r, budget)
}

// tileReader runs one history's queries.
type tileReader struct {
	q    Querier
	s    *slo.SLO
	at   time.Time
	step time.Duration
	h    *SLOHistory
}

// end is the end of tile k.
func (tr *tileReader) end(k int) time.Time { return tr.at.Add(-time.Duration(k) * tr.step) }

// tiles returns the error ratio of each of n tiles (index 0 ends at at) and,
// for SLIs that count events, the bad and valid events of each. The oldest
// tile is cut at periodStart when it reaches past it, for a calendar period.
func (tr *tileReader) tiles(ctx context.Context, n int, periodStart time.Time) (ratio, bad, valid []float64, err error) {
	window := FormatWindow(tr.step)
	if tr.s.SLI.Kind == slo.SLIRaw {
		expr, err := tr.s.SLI.ErrorRatioQueryFor(window)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("error ratio query over %s: %w", window, err)
		}
		ratio, err = tr.series(ctx, expr, n)
		for k := range ratio {
			ratio[k] = clampRatio(ratio[k])
		}
		return ratio, nil, nil, err
	}
	badExpr, validExpr, err := tr.eventQueries(window)
	if err != nil {
		return nil, nil, nil, err
	}
	if bad, err = tr.series(ctx, badExpr, n); err != nil {
		return nil, nil, nil, err
	}
	if valid, err = tr.series(ctx, validExpr, n); err != nil {
		return nil, nil, nil, err
	}
	oldest := n - 1
	if tr.s.Period.Calendar != "" && tr.end(oldest).Add(-tr.step).Before(periodStart) {
		// Count the oldest tile from the period's start only.
		part := FormatWindow(tr.end(oldest).Sub(periodStart))
		if badExpr, validExpr, err = tr.eventQueries(part); err != nil {
			return nil, nil, nil, err
		}
		if bad[oldest], err = tr.instant(ctx, badExpr, tr.end(oldest)); err != nil {
			return nil, nil, nil, err
		}
		if valid[oldest], err = tr.instant(ctx, validExpr, tr.end(oldest)); err != nil {
			return nil, nil, nil, err
		}
	}
	ratio = make([]float64, n)
	for k := range ratio {
		ratio[k] = errorRatio(bad[k], valid[k])
	}
	return ratio, bad, valid, nil
}

// eventQueries returns the PromQL for the bad and valid events over window,
// each summed into one series.
func (tr *tileReader) eventQueries(window string) (bad, valid string, err error) {
	b, err := tr.s.SLI.BadQueryFor(window)
	if err != nil {
		return "", "", fmt.Errorf("bad events query over %s: %w", window, err)
	}
	v, err := tr.s.SLI.TotalQueryFor(window)
	if err != nil {
		return "", "", fmt.Errorf("valid events query over %s: %w", window, err)
	}
	return "sum(" + b + ")", "sum(" + v + ")", nil
}

// burnRates returns the burn rate over the long window of each page rule
// (each rule when paging is off) at the last `charted` tile ends.
func (tr *tileReader) burnRates(ctx context.Context, charted int) ([]BurnSeries, error) {
	rules := Policy(tr.s)
	var pages []slo.Window
	for _, w := range rules {
		if w.Severity == slo.Page {
			pages = append(pages, w)
		}
	}
	if len(pages) == 0 {
		pages = rules
	}
	byWindow := map[time.Duration][]float64{}
	var out []BurnSeries
	for _, w := range pages {
		values, ok := byWindow[w.Long]
		if !ok {
			expr, err := tr.ratioQuery(FormatWindow(w.Long))
			if err != nil {
				return nil, err
			}
			if values, err = tr.series(ctx, expr, charted); err != nil {
				return nil, err
			}
			byWindow[w.Long] = values
		}
		bs := BurnSeries{Rule: w}
		for k := charted - 1; k >= 0; k-- {
			bs.Points = append(bs.Points, Point{At: tr.end(k), Value: BurnRate(clampRatio(values[k]), tr.s.ErrorBudget())})
		}
		out = append(out, bs)
	}
	return out, nil
}

// ratioQuery returns the PromQL for the error ratio over window as one
// series: bad over valid events, each summed, or a raw SLI's query.
func (tr *tileReader) ratioQuery(window string) (string, error) {
	if tr.s.SLI.Kind == slo.SLIRaw {
		expr, err := tr.s.SLI.ErrorRatioQueryFor(window)
		if err != nil {
			return "", fmt.Errorf("error ratio query over %s: %w", window, err)
		}
		return expr, nil
	}
	bad, valid, err := tr.eventQueries(window)
	if err != nil {
		return "", err
	}
	return bad + " / " + valid, nil
}

// series runs expr as a range query over the last n tile ends and returns
// its value at each, index 0 at at; several series are added up, as the
// evaluator does, and a missing value is NaN.
func (tr *tileReader) series(ctx context.Context, expr string, n int) ([]float64, error) {
	tr.h.Queries = append(tr.h.Queries, expr)
	out := make([]float64, n)
	for k := range out {
		out[k] = math.NaN()
	}
	first := tr.end(n - 1)
	m, err := tr.q.QueryRange(ctx, expr, Range{Start: first, End: tr.at, Step: tr.step})
	if err != nil {
		return nil, err
	}
	for _, series := range m {
		for _, p := range series.Values {
			v := float64(p.Value)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			i := int(math.Round(float64(p.Timestamp.Time().Sub(first)) / float64(tr.step)))
			k := n - 1 - i
			if k < 0 || k >= n {
				continue
			}
			if math.IsNaN(out[k]) {
				out[k] = 0
			}
			out[k] += v
		}
	}
	return out, nil
}

// instant runs expr at one instant and returns the sum of its samples, NaN
// when there are none.
func (tr *tileReader) instant(ctx context.Context, expr string, at time.Time) (float64, error) {
	tr.h.Queries = append(tr.h.Queries, expr)
	vec, err := tr.q.Query(ctx, expr, at)
	if err != nil {
		return 0, err
	}
	return sumVector(vec), nil
}

func sumVector(vec model.Vector) float64 {
	out := math.NaN()
	for _, s := range vec {
		v := float64(s.Value)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if math.IsNaN(out) {
			out = 0
		}
		out += v
	}
	return out
}

// clampRatio keeps a queried error ratio in [0, 1]; NaN stays NaN.
func clampRatio(r float64) float64 {
	if math.IsNaN(r) {
		return r
	}
	return math.Min(1, math.Max(0, r))
}
