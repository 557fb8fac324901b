package burnrate

import (
	"context"
	"fmt"
	"math"
	"time"
)

// The head of the tiled windows (from the newest tile's end until now) is
// diffQuery's answer: per series, the counter's last value now minus its
// last value at the tile's end, each the last sample over the head's
// length and a lookback, when the difference is not negative and the
// counter did not reset over that reach before now; else its increase().
// A source that keeps raw samples computes it from them: the last values
// are read from ranges, which skip stale markers as the raw samples do.
// New fine tiles and the tiles tails fall in are computed the same way
// (recent_tiles.go).

// head returns a counter source's increase over [from, at], from its raw
// samples when they reach back far enough, else with diffQuery.
func (e *Evaluator) head(ctx context.Context, q Querier, src *source, r *recentSamples, from, at time.Time) (map[string]float64, error) {
	if r == nil || !from.Before(at) || !r.reaches(from, at) {
		return e.diff(ctx, q, src, from, at, at)
	}
	return r.diff(src, from, at)
}

// reaches says whether the samples kept answer diffQuery over [from, to]:
// they go back the interval's length and a lookback before from.
func (r *recentSamples) reaches(from, to time.Time) bool {
	return !r.readAt.IsZero() && !to.After(r.readAt) && !from.Add(-to.Sub(from)-lookback).Before(r.readAt.Add(-r.span))
}

// diff computes diffQuery(to − from, ·) over [from, to] from the raw
// samples at or before to, summed by key.
func (r *recentSamples) diff(src *source, from, to time.Time) (map[string]float64, error) {
	start, end := from.UnixMilli(), to.UnixMilli()
	reach := (to.Sub(from) + lookback).Milliseconds()
	vals := map[string]float64{}
	for _, s := range r.series {
		if v, ok := r.seriesDiff(s, start, end, reach); ok {
			vals[s.key] += v
		}
	}
	for k, v := range vals {
		if math.IsInf(v, 0) {
			return nil, fmt.Errorf("increase of %s over [%s, %s] answered %v for key %q", src.selector,
				from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339), v, k)
		}
	}
	return vals, nil
}

// seriesDiff is diffQuery's answer for one series over [start, end] (ms),
// from its samples at or before end: the difference of its last samples
// over reach before either end, where it is not negative and no reset
// falls in the reach before end; else increase() over the interval, where
// it has two samples there. ok is false when neither answers.
func (r *recentSamples) seriesDiff(s *recentSeries, start, end, reach int64) (v float64, ok bool) {
	now := s.search(end+1) - 1
	nowFirst := r.firstIn(s, end-reach)
	then := s.search(start+1) - 1
	thenFirst := r.firstIn(s, start-reach)
	if now >= nowFirst && then >= thenFirst && then >= 0 {
		if d := s.values[now] - s.values[then]; d >= 0 && s.resets(nowFirst, now) == 0 {
			return d, true
		}
	}
	i := r.firstIn(s, start)
	return increaseOf(s.base, s.offsets[i:now+1], s.values[i:now+1], start, end, r.rules)
}

// resets counts the drops between the series' samples i to j.
func (s *recentSeries) resets(i, j int) int {
	n := 0
	for k := i + 1; k <= j && k < len(s.values); k++ {
		if s.values[k] < s.values[k-1] {
			n++
		}
	}
	return n
}
