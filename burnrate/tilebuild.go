package burnrate

import (
	"context"
	"math"
	"time"
)

// updateTiles extends the fine tiles to fineEnd (rebuilding both levels
// when they are empty or too far behind) and trims what no window reaches.
func (e *Evaluator) updateTiles(ctx context.Context, q Querier, src *source, t *tiles, fineEnd time.Time, longest time.Duration) error {
	fine, coarse := e.opts.FineTile, e.opts.CoarseTile
	fineKeep := e.opts.FineSpan + coarse + fine
	have := t.fine.end()
	if have.IsZero() || fineEnd.Sub(have) > e.opts.FineSpan {
		// Start-up, or a gap longer than the fine span: rebuild.
		t.fine.reset()
		t.coarse.reset()
		if longest > e.opts.FineSpan {
			coarseEnd := fineEnd.Truncate(coarse)
			coarseStart := coarseEnd.Add(-longest - coarse).Truncate(coarse).Add(coarse)
			if err := e.fillRange(ctx, q, src, t.coarse, coarseStart, coarseEnd); err != nil {
				return err
			}
		}
		// Fine tiles start at a coarse boundary, so that rolling up fine
		// tiles into coarse ones continues the coarse run.
		fineStart := fineEnd.Add(-fineKeep).Truncate(coarse).Add(fine)
		if err := e.fillRange(ctx, q, src, t.fine, fineStart, fineEnd); err != nil {
			return err
		}
	} else if fineEnd.After(have) {
		if err := e.fillRange(ctx, q, src, t.fine, have.Add(fine), fineEnd); err != nil {
			return err
		}
	}
	t.rollUp()
	t.fine.trim(fineEnd.Add(-fineKeep))
	t.coarse.trim(fineEnd.Add(-longest - 2*coarse))
	return nil
}

// maxRangeSteps bounds the steps of one range query that builds tiles: a
// first cycle over 30 days of coarse tiles reads them two days at a time,
// so that what an answer holds (and what the engine computes for it at
// once) does not grow with the history.
const maxRangeSteps = 48

// fillRange appends the tiles ending at first, first+step, …, last: an
// instant query for one tile, range queries of at most maxRangeSteps steps
// for more, oldest first.
func (e *Evaluator) fillRange(ctx context.Context, q Querier, src *source, run *tileRun, first, last time.Time) error {
	for from := first; !from.After(last); {
		to := from.Add(time.Duration(maxRangeSteps-1) * run.step)
		if to.After(last) {
			to = last
		}
		if err := e.fillChunk(ctx, q, src, run, from, to); err != nil {
			return err
		}
		from = to.Add(run.step)
	}
	return nil
}

// fillChunk appends the tiles ending at first, first+step, …, last with one
// query.
func (e *Evaluator) fillChunk(ctx context.Context, q Querier, src *source, run *tileRun, first, last time.Time) error {
	expr := src.diffQuery(run.step, 0)
	if first.Equal(last) {
		vec, err := q.Query(ctx, expr, last)
		if err != nil {
			return err
		}
		vals, err := vectorValues(src, vec, expr)
		if err != nil {
			return err
		}
		run.append(last, vals)
		return nil
	}
	m, err := q.QueryRange(ctx, expr, Range{Start: first, End: last, Step: run.step})
	if err != nil {
		return err
	}
	byEnd := map[int64]map[string]float64{}
	for _, series := range m {
		key := src.key(series.Metric)
		for _, p := range series.Values {
			v := float64(p.Value)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			if byEnd[int64(p.Timestamp)] == nil {
				byEnd[int64(p.Timestamp)] = map[string]float64{}
			}
			byEnd[int64(p.Timestamp)][key] += v
		}
	}
	for end := first; !end.After(last); end = end.Add(run.step) {
		run.append(end, byEnd[end.UnixMilli()])
	}
	return nil
}
