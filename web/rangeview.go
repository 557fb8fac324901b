package web

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// rangeData is what the charts of one time range are drawn from: one range
// query per chart (the error ratio, each burn-rate window, the
// distribution or the bad events) and the exemplars of the range.
type rangeData struct {
	From, To time.Time
	// Step is the distance between points; Window is what each point
	// counts over (the step, or more when the step is too short to hold
	// two scrapes).
	Step, Window time.Duration
	ErrorRatio   []burnrate.Point
	// Burns are the burn rates over the windows of the rule the page
	// explains, long first.
	Burns []windowSeries
	// Dist is a latency SLI's distribution; Bad an errors SLI's bad
	// events per step.
	Dist *distribution
	Bad  []burnrate.Point
	// Exemplars are the exemplars of the range, oldest first.
	Exemplars []exemplarPoint
	// ExemplarProblem says why there are no exemplars, when they could
	// not be asked for.
	ExemplarProblem string
	Queries         []string
}

// windowSeries is the burn rate over one window, step by step.
type windowSeries struct {
	Window time.Duration
	Points []burnrate.Point
}

// exemplarPoint is an exemplar to draw: at its time and value (in the
// histogram's unit for a latency SLI), a link when it shows a bad event.
type exemplarPoint struct {
	At    time.Time
	Value float64
	Bad   bool
	Trace alerting.TraceLink
}

// minPointWindow is the shortest window a point counts over: an increase
// needs two scrapes in its window.
const minPointWindow = 2 * time.Minute

// maxExemplars bounds the exemplars a chart draws.
const maxExemplars = 400

// rangeSeries returns the range data of an SLO evaluated at `at`: the
// error ratio, the burn rate over each of windows, the distribution
// (latency) or bad events (errors), and, with ex, the exemplars. Nothing
// is asked for past `at` (a calendar period reaches into the future).
func rangeSeries(ctx context.Context, q burnrate.Querier, ex alerting.ExemplarQuerier, s *slo.SLO, r timeRange, at time.Time, windows []time.Duration) (*rangeData, error) {
	step := rangeStep(r.Span())
	d := &rangeData{From: r.From, To: r.To, Step: step, Window: max(step, minPointWindow)}
	end := r.until(at)
	rng := burnrate.Range{Start: r.From.Add(step), End: end, Step: step}
	run := func(expr string) (model.Matrix, error) {
		d.Queries = append(d.Queries, expr)
		m, err := q.QueryRange(ctx, expr, rng)
		if err != nil {
			return nil, fmt.Errorf("range query for the dashboard of %s: %w", s.ID, err)
		}
		return m, nil
	}
	window := burnrate.FormatWindow(d.Window)
	expr, err := s.SLI.ErrorRatioQueryFor(window)
	if err != nil {
		return nil, fmt.Errorf("error ratio query of %s: %w", s.ID, err)
	}
	m, err := run(expr)
	if err != nil {
		return nil, err
	}
	d.ErrorRatio = summed(m, func(v float64) float64 { return math.Min(1, math.Max(0, v)) })
	if len(windows) > 0 {
		if d.Burns, err = burnSeries(s, windows, run); err != nil {
			return nil, err
		}
	}
	switch s.SLI.Kind {
	case slo.SLILatency:
		expr, err := burnrate.DistributionQuery(s, d.Window)
		if err != nil {
			return nil, err
		}
		if m, err = run(expr); err != nil {
			return nil, err
		}
		if s.SLI.Native {
			d.Dist = nativeDistribution(m)
		} else {
			d.Dist = classicDistribution(m)
		}
	case slo.SLIErrors:
		expr, err := s.SLI.BadQueryFor(window)
		if err != nil {
			return nil, fmt.Errorf("bad events query of %s: %w", s.ID, err)
		}
		if m, err = run(expr); err != nil {
			return nil, err
		}
		d.Bad = summed(m, func(v float64) float64 { return math.Max(0, v) })
	}
	if ex == nil {
		d.ExemplarProblem = "the dashboard has no exemplar source"
		return d, nil
	}
	d.Exemplars, err = rangeExemplars(ctx, ex, s, r.From, end)
	if err != nil {
		d.ExemplarProblem = err.Error()
	}
	return d, nil
}

// burnSeries asks for the burn rate over each window in one range query:
// the windows' error ratios, each labelled with its window, joined with
// `or`.
func burnSeries(s *slo.SLO, windows []time.Duration, run func(string) (model.Matrix, error)) ([]windowSeries, error) {
	parts := make([]string, len(windows))
	for i, w := range windows {
		expr, err := s.SLI.ErrorRatioQueryFor(burnrate.FormatWindow(w))
		if err != nil {
			return nil, fmt.Errorf("burn rate query of %s: %w", s.ID, err)
		}
		parts[i] = fmt.Sprintf(`label_replace(%s, %q, %q, "", "")`, expr, windowLabel, burnrate.FormatWindow(w))
	}
	m, err := run(strings.Join(parts, " or "))
	if err != nil {
		return nil, err
	}
	out := make([]windowSeries, len(windows))
	for i, w := range windows {
		var own model.Matrix
		for _, series := range m {
			if string(series.Metric[windowLabel]) == burnrate.FormatWindow(w) {
				own = append(own, series)
			}
		}
		out[i] = windowSeries{Window: w, Points: summed(own, func(v float64) float64 {
			return burnrate.BurnRate(math.Min(1, math.Max(0, v)), s.ErrorBudget())
		})}
	}
	return out, nil
}

// windowLabel tells the windows of the burn-rate query apart.
const windowLabel = "burnwatch_window"

// summed adds up the series of a matrix step by step, through f; a step
// no series has is left out.
func summed(m model.Matrix, f func(float64) float64) []burnrate.Point {
	sums := map[model.Time]float64{}
	for _, series := range m {
		for _, p := range series.Values {
			if v := float64(p.Value); finite(v) {
				sums[p.Timestamp] += v
			}
		}
	}
	out := make([]burnrate.Point, 0, len(sums))
	for ts, v := range sums {
		out = append(out, burnrate.Point{At: ts.Time().UTC(), Value: f(v)})
	}
	slices.SortFunc(out, func(a, b burnrate.Point) int { return a.At.Compare(b.At) })
	return out
}

// rangeExemplars asks for the exemplars of the series that can show the
// SLO's bad events, between from and to, and marks the bad ones with
// their trace link. The latest maxExemplars are kept.
func rangeExemplars(ctx context.Context, ex alerting.ExemplarQuerier, s *slo.SLO, from, to time.Time) ([]exemplarPoint, error) {
	var out []exemplarPoint
	var firstErr error
	for _, sel := range alerting.ExemplarSelectors(s) {
		res, err := ex.QueryExemplars(ctx, sel, from, to)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("exemplars of %s: %w", sel, err)
			}
			continue
		}
		for _, series := range res {
			for _, e := range series.Exemplars {
				p := exemplarPoint{At: e.At.UTC(), Value: e.Value}
				p.Trace, p.Bad = alerting.BadTrace(s, series.SeriesLabels, e)
				out = append(out, p)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b exemplarPoint) int { return a.At.Compare(b.At) })
	if len(out) > maxExemplars {
		out = out[len(out)-maxExemplars:]
	}
	if len(out) == 0 {
		return nil, firstErr
	}
	return out, nil
}
