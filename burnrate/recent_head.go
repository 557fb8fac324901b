package burnrate

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/prometheus/common/model"
)

// The head of the tiled windows (from the newest tile's end until now) is
// diffQuery's answer: per series, the counter's value now minus its value
// at the tile's end when both exist and it did not reset since a lookback
// before the tile's end, else its increase(). A source that keeps raw
// samples computes it from them and two instant reads of the counters'
// values, at the tile's end and now: the raw samples carry no stale
// markers, and only the engine's instant selector tells a series that went
// stale from one that is still there.

// head returns a counter source's increase over [from, at], from its raw
// samples when it keeps them, else with diffQuery.
func (e *Evaluator) head(ctx context.Context, q Querier, src *source, r *recentSamples, from, at time.Time) (map[string]float64, error) {
	if r == nil || !from.Before(at) || r.span < at.Sub(from)+lookback {
		return e.diff(ctx, q, src, from, at, at)
	}
	now, err := q.Query(ctx, src.selector, at)
	if err != nil {
		return nil, err
	}
	then, err := q.Query(ctx, src.selector, from)
	if err != nil {
		return nil, err
	}
	return r.head(src, now, then, from, at)
}

// head computes diffQuery(at − from, 0) at at: now and then are the
// instant values of the source's series at at and at from.
func (r *recentSamples) head(src *source, now, then model.Vector, from, at time.Time) (map[string]float64, error) {
	before := make(map[seriesID]float64, len(then))
	for _, s := range then {
		before[seriesID{s.Metric.Fingerprint(), s.Metric.FastFingerprint()}] = float64(s.Value)
	}
	end := at.UnixMilli()
	resetsFrom := end - (at.Sub(from) + lookback).Milliseconds()
	vals := map[string]float64{}
	differenced := make(map[seriesID]bool, len(now))
	for _, s := range now {
		id := seriesID{s.Metric.Fingerprint(), s.Metric.FastFingerprint()}
		b, ok := before[id]
		if !ok {
			continue
		}
		if series := r.series[id]; series != nil && series.resets(r.firstIn(series, resetsFrom)) > 0 {
			continue
		}
		key := src.key(s.Metric)
		vals[key] += float64(s.Value) - b
		differenced[id] = true
	}
	// The others: increase() over the head, where it has two samples.
	start := from.UnixMilli()
	for id, s := range r.series {
		if differenced[id] {
			continue
		}
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

// resets counts the drops between the series' samples from index i on.
func (s *recentSeries) resets(i int) int {
	n := 0
	for j := i + 1; j < len(s.values); j++ {
		if s.values[j] < s.values[j-1] {
			n++
		}
	}
	return n
}
