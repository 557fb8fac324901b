package web

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// budgetRangePoints is how many points the budget chart draws over a range
// too short for the period's history to chart it; minBudgetPoints is how
// few of the history's points in the range make it too short.
const (
	budgetRangePoints = 120
	minBudgetPoints   = 30
)

// rangeBudget returns h with its budget points replaced by ones that follow
// a short range at a step of its own, when the range holds fewer than
// minBudgetPoints of the period's points: the budget over the rolling
// period ending at each point, one range query. A calendar period, whose
// window grows from its start, and a raw SLI, whose budget the history
// averages step by step, keep the period's points. A failed query keeps
// them too, and is logged.
func (s *server) rangeBudget(ctx context.Context, sl *slo.SLO, h *burnrate.SLOHistory, rng timeRange, at time.Time) *burnrate.SLOHistory {
	if sl.Period.Calendar != "" || sl.SLI.Kind == slo.SLIRaw || h.Step <= 0 || rng.Span() >= minBudgetPoints*h.Step {
		return h
	}
	v, err := s.history.load(ctx, rng.key(sl.ID)+"|budget", sl, func(ctx context.Context, q burnrate.Querier) (any, error) {
		return budgetSeries(ctx, q, sl, h, rng, at)
	})
	if err != nil {
		s.log.Warn("budget over the range for the dashboard failed", "slo", sl.ID, "err", err)
		return h
	}
	return v.(*burnrate.SLOHistory)
}

// budgetSeries is a copy of h whose budget points are the range's, every
// span/budgetRangePoints (at least a minute), with the query added.
func budgetSeries(ctx context.Context, q burnrate.Querier, sl *slo.SLO, h *burnrate.SLOHistory, rng timeRange, at time.Time) (*burnrate.SLOHistory, error) {
	window := burnrate.FormatWindow(sl.Period.Nominal())
	bad, err := sl.SLI.BadQueryFor(window)
	if err != nil {
		return nil, fmt.Errorf("bad events query over %s: %w", window, err)
	}
	valid, err := sl.SLI.TotalQueryFor(window)
	if err != nil {
		return nil, fmt.Errorf("valid events query over %s: %w", window, err)
	}
	expr := "sum(" + bad + ") / sum(" + valid + ")"
	step := max((rng.Span() / budgetRangePoints).Round(time.Minute), time.Minute)
	end := rng.until(at)
	start := end.Add(-rng.Span().Truncate(step))
	m, err := q.QueryRange(ctx, expr, burnrate.Range{Start: start, End: end, Step: step})
	if err != nil {
		return nil, fmt.Errorf("budget of %s over the range: %w", sl.ID, err)
	}
	out := *h
	out.Step = step
	out.Queries = append(append([]string{}, h.Queries...), expr)
	out.BudgetRemaining = nil
	values := map[int64]float64{}
	for _, series := range m {
		for _, p := range series.Values {
			if v := float64(p.Value); !math.IsNaN(v) && !math.IsInf(v, 0) {
				values[int64(p.Timestamp)] = v
			}
		}
	}
	for t := start; !t.After(end); t = t.Add(step) {
		p := burnrate.Point{At: t, Value: math.NaN()}
		if r, ok := values[t.UnixMilli()]; ok {
			p.Value = burnrate.BudgetRemaining(math.Min(1, math.Max(0, r)), sl.ErrorBudget())
		}
		out.BudgetRemaining = append(out.BudgetRemaining, p)
	}
	return &out, nil
}
