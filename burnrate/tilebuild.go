package burnrate

import (
	"context"
	"math"
	"time"

	"github.com/prometheus/common/model"
)

// updateTiles extends the fine tiles to fineEnd (rebuilding both levels
// when they are empty or too far behind) and trims what no window reaches.
// New fine tiles that the raw samples kept (recent, when not nil) reach
// are computed from them.
func (e *Evaluator) updateTiles(ctx context.Context, q Querier, src *source, t *tiles, recent *recentSamples, fineEnd time.Time, longest time.Duration) error {
	fine, coarse := e.opts.FineTile, e.opts.CoarseTile
	fineKeep := e.opts.FineSpan + coarse + fine
	have := t.fine.end()
	if have.IsZero() || fineEnd.Sub(have) > e.opts.FineSpan {
		// Start-up, or a gap longer than the fine span: rebuild.
		t.fine.reset()
		t.coarse.reset()
		t.tailsAnswered = false
		if longest > e.opts.FineSpan {
			coarseEnd := fineEnd.Truncate(coarse)
			coarseStart := coarseEnd.Add(-longest - coarse).Truncate(coarse).Add(coarse)
			if err := e.fillRange(ctx, q, src, t.coarse, coarseStart, coarseEnd, 0); err != nil {
				return err
			}
			// Before the fine tiles are read: a history shorter than
			// the longest window leaves the oldest coarse tiles
			// unanswered, and their room is given back now.
			t.coarse.trim(fineEnd.Add(-longest - 2*coarse))
		}
		// Fine tiles start at a coarse boundary, so that rolling up fine
		// tiles into coarse ones continues the coarse run.
		fineStart := fineEnd.Add(-fineKeep).Truncate(coarse).Add(fine)
		if err := e.fillRange(ctx, q, src, t.fine, fineStart, fineEnd, len(t.coarse.vals)); err != nil {
			return err
		}
	} else if fineEnd.After(have) {
		// The raw samples reach the newest tiles; older ones, after a
		// gap, are queried first.
		rawFrom := fineEnd.Add(fine)
		for end := fineEnd; recent != nil && end.After(have) && recent.reaches(end.Add(-fine), end); end = end.Add(-fine) {
			rawFrom = end
		}
		if rawFrom.After(have.Add(fine)) {
			if err := e.fillRange(ctx, q, src, t.fine, have.Add(fine), rawFrom.Add(-fine), len(t.coarse.vals)); err != nil {
				return err
			}
		}
		for end := rawFrom; !end.After(fineEnd); end = end.Add(fine) {
			vals, err := recent.diff(src, end.Add(-fine), end)
			if err != nil {
				return err
			}
			t.fine.append(end, vals)
		}
	}
	t.rollUp()
	t.fine.trim(fineEnd.Add(-fineKeep))
	t.coarse.trim(fineEnd.Add(-longest - 2*coarse))
	return nil
}

// Chunks. A range query that builds tiles answers a point per key and
// step, and the first cycle of a large fleet reads thousands of keys over
// days of tiles: one answer of every tile would be hundreds of megabytes
// decoded at once. The tiles are read in chunks of at most maxRangeSteps
// steps and, as far as the keys are known, maxChunkPoints points.
const (
	// maxRangeSteps bounds the steps of one chunk, so that what the engine
	// computes for one query does not grow with the history either.
	maxRangeSteps = 48
	// maxChunkPoints bounds the points (keys × steps) of one answer:
	// 250,000 points are about 4 MB of decoded samples and 8 MB of JSON.
	// It leaves the 48 steps to sources of up to 5,000 keys, because
	// smaller chunks cost the engine more (fine tiles of 5,000 series read
	// 10 steps at a time took 30% more CPU than 48 at a time), and bounds
	// the answers of larger ones, whose 48 steps would grow with the
	// fleet. One step of more keys than that is one answer.
	maxChunkPoints = 250_000
)

// chunkSteps is how many steps one chunk over keys keys reads.
func chunkSteps(keys int) int {
	if keys <= 0 {
		return maxRangeSteps
	}
	return min(max(maxChunkPoints/keys, 1), maxRangeSteps)
}

// fillRange appends the tiles ending at first, first+step, …, last: an
// instant query for one tile, range queries for more, oldest first, in
// chunks sized by the keys known: keys (those of the other level), the
// run's own, and, for a run that starts empty, those of its newest tile,
// read first and appended last. A chunk holds more points than
// maxChunkPoints only when it meets more keys than were known.
func (e *Evaluator) fillRange(ctx context.Context, q Querier, src *source, run *tileRun, first, last time.Time, keys int) error {
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
	run.reserve(int(last.Sub(first)/run.step) + 1)
	var newest *tileRun
	if keys == 0 && run.count == 0 {
		newest = newTileRun(run.step)
		if err := fillChunk(ctx, q, src, expr, newest, last, last); err != nil {
			return err
		}
		keys = len(newest.vals)
		last = last.Add(-run.step)
	}
	for from := first; !from.After(last); {
		steps := chunkSteps(max(keys, len(run.vals)))
		to := from.Add(time.Duration(steps-1) * run.step)
		if to.After(last) {
			to = last
		}
		if err := fillChunk(ctx, q, src, expr, run, from, to); err != nil {
			return err
		}
		from = to.Add(run.step)
	}
	if newest != nil {
		vals := make(map[string]float64, len(newest.vals))
		for k, s := range newest.vals {
			vals[k] = s[0]
		}
		run.append(newest.end(), vals)
	}
	return nil
}

// fillChunk appends the tiles ending at first, first+step, …, last with one
// range query of expr, folding the answer into the run as it is read; the
// answer is dropped when it returns.
func fillChunk(ctx context.Context, q Querier, src *source, expr string, run *tileRun, first, last time.Time) error {
	m, err := q.QueryRange(ctx, expr, Range{Start: first, End: last, Step: run.step})
	if err != nil {
		return err
	}
	run.appendAnswer(src, m, first, int(last.Sub(first)/run.step)+1)
	return nil
}

// appendAnswer appends the n tiles ending at first, first+step, … from a
// range answer: the finite values of each key's series added up, NaN where
// none answered. A key with no finite value in the answer is not added.
func (r *tileRun) appendAnswer(src *source, m model.Matrix, first time.Time, n int) {
	if r.count == 0 {
		r.first = first.Add(-r.step)
	}
	base := r.count
	for k, s := range r.vals {
		r.vals[k] = r.grow(s, n)
	}
	from, step := first.UnixMilli(), r.step.Milliseconds()
	for _, series := range m {
		var s []float64
		for _, p := range series.Values {
			v := float64(p.Value)
			i := (int64(p.Timestamp) - from) / step
			if math.IsNaN(v) || math.IsInf(v, 0) || i < 0 || i >= int64(n) || (int64(p.Timestamp)-from)%step != 0 {
				continue
			}
			if s == nil {
				key := src.key(series.Metric)
				var ok bool
				if s, ok = r.vals[key]; !ok {
					s = r.grow(nil, base+n)
					r.vals[key] = s
				}
			}
			if j := base + int(i); math.IsNaN(s[j]) {
				s[j] = v
			} else {
				s[j] += v
			}
		}
	}
	r.count += n
}

// reserve makes the key slices the run creates or grows from now on hold n
// more tiles, and the one appended after them, without growing again.
func (r *tileRun) reserve(n int) { r.capacity = r.count + n + 1 }

// grow returns s with n NaN tiles appended, in a slice of at least the
// reserved capacity.
func (r *tileRun) grow(s []float64, n int) []float64 {
	if need := len(s) + n; need > cap(s) {
		t := make([]float64, len(s), max(need, r.capacity))
		copy(t, s)
		s = t
	}
	for range n {
		s = append(s, math.NaN())
	}
	return s
}
