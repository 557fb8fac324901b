package burnrate

import (
	"context"
	"fmt"
	"math"
	"time"
)

// A tiled window is head + whole tiles + tail, and the tail (from the
// window's start to the first tile boundary inside it) moves with every
// cycle. Querying it each cycle re-reads up to a tile of samples per
// window. Instead, the tile the tail falls in is read once, at the
// resolution of the cycles (Options.TailStep): the counter's differences
// over each step of the tile, summed per key. The tail from a step's start
// to the tile's end is then the sum of the steps after it.
//
// That sum equals the tail's own query (diffQuery) only where that query
// takes its exact branch for every series: each series present at both
// ends and no counter reset from a lookback before the tail's start. A
// second read of the tile flags, per step, any series that appeared,
// vanished or reset around it; a tail that starts at or before a flagged
// step is queried as before.

// tailTile is one tile read at the tail step, or, with a nil suffix, a tile
// needed once and not read yet.
type tailTile struct {
	start time.Time
	step  time.Duration
	sub   time.Duration
	// suffix[k][j] is the increase of key k over [start + j·sub,
	// start + step]; NaN where no step from j on had a value.
	suffix map[string][]float64
	// cleanFrom is the first step index whose tail the suffix sums answer
	// exactly.
	cleanFrom int
	// used says whether a window read the tile this cycle.
	used bool
	// keepUntil keeps a tile read ahead of the tail that will enter it,
	// unused until then.
	keepUntil time.Time
}

// tailFrom returns the increase per key over [start + j·sub, start + step].
func (tt *tailTile) tailFrom(j int) map[string]float64 {
	out := make(map[string]float64, len(tt.suffix))
	for k, s := range tt.suffix {
		if !math.IsNaN(s[j]) {
			out[k] = s[j]
		}
	}
	return out
}

// tailKey names a tile among a source's cached tails.
type tailKey struct {
	start int64
	step  time.Duration
}

// tail returns a source's increase per key over [from, boundary], where
// boundary is the end of the tile of length step that from falls in: from
// the cached tile when its steps answer it exactly, else with a query.
// warm says the source kept tails from an earlier cycle: a tile no tail
// fell in before is then read at once. With raw samples kept (recent), the
// tile is read as raw samples (recent_tiles.go), ahead to the grid of its
// phase.
func (e *Evaluator) tail(ctx context.Context, q Querier, src *source, t *tiles, recent *recentSamples, from, boundary time.Time, step time.Duration, at time.Time, warm bool, phase time.Duration) (map[string]float64, error) {
	sub := e.opts.TailStep
	start := boundary.Add(-step)
	off := from.Sub(start)
	// A tile that late scrapes may still change is not kept.
	settled := !boundary.After(at.Add(-e.opts.Settle))
	if !from.Before(boundary) || !settled || sub <= 0 || step%sub != 0 || off%sub != 0 || off <= 0 {
		return e.diff(ctx, q, src, from, boundary, at)
	}
	key := tailKey{start.UnixNano(), step}
	tt, ok := t.tails[key]
	if !ok && !warm {
		// A cold evaluator (its first cycle, or the first after a restart)
		// queries its tails: a tile is read when a second cycle needs it,
		// so that a first cycle, which needs every tile at once, does not
		// read them all. A warm one meets a new tile when a tail enters
		// it, one tile at a time, and reads it at once: querying the tail
		// first would cost that cycle about what the read costs the next.
		t.tails[key] = &tailTile{used: true}
		return e.diff(ctx, q, src, from, boundary, at)
	}
	if !ok {
		tt = &tailTile{}
	}
	if tt.suffix == nil {
		used := tt.used
		var err error
		if sr, ok := q.(sampleReader); ok && recent != nil {
			tt, err = e.readTailTilesRaw(ctx, sr, recent.rules, src, t, start, step, sub, at, phase)
		} else {
			tt, err = e.readTailTile(ctx, q, src, start, step, sub)
		}
		if err != nil {
			return nil, err
		}
		tt.used = used
		t.tails[key] = tt
	}
	tt.used = true
	j := int(off / sub)
	if j < tt.cleanFrom {
		return e.diff(ctx, q, src, from, boundary, at)
	}
	return tt.tailFrom(j), nil
}

// readTailTile reads the tile [start, start+step) at sub: the summed
// differences of each step, and the steps around which a series appeared,
// vanished or reset.
func (e *Evaluator) readTailTile(ctx context.Context, q Querier, src *source, start time.Time, step, sub time.Duration) (*tailTile, error) {
	n := int(step / sub)
	r := Range{Start: start.Add(sub), End: start.Add(step), Step: sub}
	index := func(ts int64) (int, bool) {
		d := time.UnixMilli(ts).Sub(r.Start)
		i := int(d / sub)
		return i, d%sub == 0 && i >= 0 && i < n
	}
	expr := src.stepDiffQuery(sub)
	m, err := q.QueryRange(ctx, expr, r)
	if err != nil {
		return nil, err
	}
	inc := map[string][]float64{}
	for _, series := range m {
		key := src.key(series.Metric)
		s, ok := inc[key]
		if !ok {
			s = make([]float64, n)
			for i := range s {
				s[i] = math.NaN()
			}
			inc[key] = s
		}
		for _, p := range series.Values {
			v := float64(p.Value)
			i, ok := index(int64(p.Timestamp))
			if !ok || math.IsNaN(v) {
				continue
			}
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("query %q answered %v for %s", expr, v, series.Metric)
			}
			if math.IsNaN(s[i]) {
				s[i] = 0
			}
			s[i] += v
		}
	}
	tt := &tailTile{start: start, step: step, sub: sub, suffix: inc}
	for _, s := range inc {
		acc := math.NaN()
		for i := n - 1; i >= 0; i-- {
			if !math.IsNaN(s[i]) {
				acc = zeroIfNaN(acc) + s[i]
			}
			s[i] = acc
		}
	}
	flagged, err := q.QueryRange(ctx, src.unsteadyQuery(sub), r)
	if err != nil {
		return nil, err
	}
	for _, series := range flagged {
		for _, p := range series.Values {
			// The tail from step j needs steps j … n−1 steady.
			if i, ok := index(int64(p.Timestamp)); ok && p.Value > 0 {
				tt.cleanFrom = max(tt.cleanFrom, i+1)
			}
		}
	}
	return tt, nil
}

func zeroIfNaN(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}

// forgetUnusedTails drops the cached tiles no window read this cycle, but
// for those read ahead that a tail may still enter.
func (t *tiles) forgetUnusedTails(at time.Time) {
	for k, tt := range t.tails {
		if !tt.used && !at.Before(tt.keepUntil) {
			delete(t.tails, k)
			continue
		}
		tt.used = false
	}
}
