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

// head returns a counter source's increase over [from, at], from its raw
// samples when they reach back far enough, else with diffQuery.
func (e *Evaluator) head(ctx context.Context, q Querier, src *source, r *recentSamples, from, at time.Time) (map[string]float64, error) {
	if r == nil || !from.Before(at) || r.span < 2*at.Sub(from)+lookback {
		return e.diff(ctx, q, src, from, at, at)
	}
	return r.head(src, from, at)
}

// head computes diffQuery(at − from, 0) at at from the raw samples.
func (r *recentSamples) head(src *source, from, at time.Time) (map[string]float64, error) {
	end := at.UnixMilli()
	start := from.UnixMilli()
	reach := (at.Sub(from) + lookback).Milliseconds()
	vals := map[string]float64{}
	for _, s := range r.series {
		nowFirst, now := r.firstIn(s, end-reach), s.search(end+1)-1
		thenFirst, then := r.firstIn(s, start-reach), s.search(start+1)-1
		if now >= nowFirst && then >= thenFirst && then >= 0 {
			if d := s.values[now] - s.values[then]; d >= 0 && s.resets(nowFirst, now) == 0 {
				vals[s.key] += d
				continue
			}
		}
		// increase() over the head, where it has two samples.
		i := r.firstIn(s, start)
		if v, ok := increaseOf(s.base, s.offsets[i:], s.values[i:], start, end, r.rules); ok {
			vals[s.key] += v
		}
	}
	for k, v := range vals {
		if math.IsInf(v, 0) {
			return nil, fmt.Errorf("head of %s since %s answered %v for key %q", src.selector, from.UTC().Format(time.RFC3339), v, k)
		}
	}
	return vals, nil
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
