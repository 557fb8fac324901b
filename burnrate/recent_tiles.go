package burnrate

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/prometheus/common/model"
)

// Tiles from raw samples. A settled fine tile is diffQuery over its length
// at its end; where the source keeps raw samples that reach its length and
// a lookback before its start, the new tile is computed from them rather
// than queried.
//
// The tile a window's tail falls in is needed at every step of the cycles
// (tails.go). Querying it at each step costs the engine a difference and a
// reset check per series and step, the reset check over three steps and a
// lookback, so that every sample is read about thirteen times. With raw
// reads the evaluator instead reads the tile's samples once, with a
// lookback and up to a fine tile before it, and computes diffQuery's answer
// for every step itself. A fine tile's read takes along the tiles after it
// that the tail will enter within tailReadAhead, so that the lookback
// before them is read once for several.

// tailReadAhead is how far past a fine tile a raw read of it goes: six
// 5-minute tiles read at once read 40 minutes of samples for 30 minutes
// of tails, where reading them one at a time reads 90. A read ends on a
// grid of that length shifted by the window's phase, one of tailPhases:
// the tails of a source's windows (2h, 6h, 1d) enter new fine tiles in
// the same cycle, and reading all of them then made that cycle the
// slowest of the hour by far.
const (
	tailReadAhead = 30 * time.Minute
	tailPhases    = 3
)

// sampleReader reads raw samples (RawQuerier.QuerySamples).
type sampleReader interface {
	QuerySamples(ctx context.Context, selector string, d time.Duration, at time.Time) (model.Matrix, error)
}

// readChunks reads the raw samples of a source's series over from to to,
// oldest first, in reads of at most fullReadChunk, and passes each stream
// to use with the number of reads left, this one included.
func readChunks(ctx context.Context, q sampleReader, src *source, from, to time.Time, use func(stream *model.SampleStream, left int)) error {
	for from.Before(to) {
		end := from.Add(fullReadChunk)
		if end.After(to) {
			end = to
		}
		m, err := q.QuerySamples(ctx, src.selector, end.Sub(from), end)
		if err != nil {
			return err
		}
		left := int((to.Sub(from) + fullReadChunk - 1) / fullReadChunk)
		for _, stream := range m {
			use(stream, left)
		}
		from = end
	}
	return nil
}

// readRange adds the raw samples of a source's series over from to to.
// Where the engine's ranges include their start, a sample on the boundary
// between two reads comes in both, and is kept once.
func (r *recentSamples) readRange(ctx context.Context, q sampleReader, src *source, from, to time.Time) error {
	return readChunks(ctx, q, src, from, to, func(stream *model.SampleStream, left int) {
		r.add(src, stream, left)
	})
}

// readOlder reads the raw samples from from to to of the series in ids,
// and puts each series' before those it holds.
func (r *recentSamples) readOlder(ctx context.Context, q sampleReader, src *source, ids map[seriesID]bool, from, to time.Time) error {
	older := map[seriesID][]model.SamplePair{}
	err := readChunks(ctx, q, src, from, to, func(stream *model.SampleStream, _ int) {
		if id := (seriesID{stream.Metric.Fingerprint(), stream.Metric.FastFingerprint()}); ids[id] {
			older[id] = append(older[id], stream.Values...)
		}
	})
	if err != nil {
		return err
	}
	for id, ps := range older {
		r.series[id].prepend(ps)
	}
	return nil
}

// prepend puts the samples of ps (ascending) that come before the
// series' first one in front of it.
func (s *recentSeries) prepend(ps []model.SamplePair) {
	first := s.base + int64(s.offsets[0])
	var keep []model.SamplePair
	for _, p := range ps {
		if t := int64(p.Timestamp); t < first && (len(keep) == 0 || t > int64(keep[len(keep)-1].Timestamp)) {
			keep = append(keep, p)
		}
	}
	if len(keep) == 0 {
		return
	}
	base := int64(keep[0].Timestamp)
	offsets := make([]int32, 0, len(keep)+len(s.offsets))
	values := make([]float64, 0, len(keep)+len(s.values))
	for _, p := range keep {
		offsets = append(offsets, int32(int64(p.Timestamp)-base))
		values = append(values, float64(p.Value))
	}
	shift := s.base - base
	for i, off := range s.offsets {
		offsets = append(offsets, int32(int64(off)+shift))
		values = append(values, s.values[i])
	}
	s.base, s.offsets, s.values = base, offsets, values
}

// readTailTilesRaw reads the tile of length step from start, and the
// settled tiles after it up to the next point of the read-ahead grid
// shifted by phase that the source has not read yet, as raw samples,
// keeps each in the source's tails, and returns the first.
func (e *Evaluator) readTailTilesRaw(ctx context.Context, q sampleReader, rules RangeRules, src *source, t *tiles, start time.Time, step, sub time.Duration, at time.Time, phase time.Duration) (*tailTile, error) {
	count := 1
	for ; count < int(tailReadAhead/step); count++ {
		next := start.Add(time.Duration(count) * step)
		if (next.UnixNano()-int64(phase))%int64(tailReadAhead) == 0 || next.Add(step).After(at.Add(-e.opts.Settle)) {
			break
		}
		if have, ok := t.tails[tailKey{next.UnixNano(), step}]; ok && have.suffix != nil {
			break
		}
	}
	end := start.Add(time.Duration(count) * step)
	known := start.Add(-lookback - min(step, e.opts.FineTile))
	select {
	case e.rawTiles <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-e.rawTiles }()
	r := newRecentSamples(end.Sub(known), rules)
	if err := r.readRange(ctx, q, src, known, end); err != nil {
		return nil, err
	}
	// diffQuery reaches a step's length and a lookback before its start
	// for a series' last sample. A series whose first sample read comes
	// after the tile's first step (a new series, or one sampled further
	// apart than a lookback) may have an older one within that reach:
	// those are read back to it. Every other series has a sample at or
	// before each step's start among those read, so that every step of
	// every tile is answered from what was read. (A fine tile's reach,
	// a tile and a lookback, is what was read.)
	if reach := start.Add(-step - lookback); reach.Before(known) {
		after, last := start.Add(sub).UnixMilli(), end.UnixMilli()
		ids := map[seriesID]bool{}
		for id, s := range r.series {
			if first := s.base + int64(s.offsets[0]); first > after && first <= last {
				ids[id] = true
			}
		}
		if len(ids) > 0 {
			if err := r.readOlder(ctx, q, src, ids, reach, known); err != nil {
				return nil, err
			}
		}
	}
	var first *tailTile
	for k := range count {
		tt, err := r.tailTile(src, start.Add(time.Duration(k)*step), step, sub)
		if err != nil {
			return nil, err
		}
		key := tailKey{tt.start.UnixNano(), step}
		if have, ok := t.tails[key]; ok {
			tt.used = have.used
		}
		if k == 0 {
			first = tt
		} else {
			// Kept until the tail has had the time to reach it.
			tt.keepUntil = at.Add(time.Duration(k+1) * step)
		}
		t.tails[key] = tt
	}
	return first, nil
}

// tailTile computes, for each step j of the tile of length step from
// start, diffQuery's answer over [start + j·sub, start + step] summed by
// key, from raw samples that reach back as far as that query does for
// every series that has any in the tile (readTailTilesRaw).
func (r *recentSamples) tailTile(src *source, start time.Time, step, sub time.Duration) (*tailTile, error) {
	n := int(step / sub)
	end := start.Add(step).UnixMilli()
	tt := &tailTile{start: start, step: step, sub: sub, suffix: map[string][]float64{}}
	for _, s := range r.series {
		var vals []float64
		for j := 1; j < n; j++ {
			from := start.Add(time.Duration(j) * sub).UnixMilli()
			v, ok := r.seriesDiff(s, from, end, end-from+lookback.Milliseconds())
			if !ok {
				continue
			}
			if vals == nil {
				if vals = tt.suffix[s.key]; vals == nil {
					vals = make([]float64, n)
					for i := range vals {
						vals[i] = math.NaN()
					}
					tt.suffix[s.key] = vals
				}
			}
			if math.IsNaN(vals[j]) {
				vals[j] = v
			} else {
				vals[j] += v
			}
		}
	}
	for k, vals := range tt.suffix {
		for _, v := range vals {
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("increase of %s in the tile from %s answered %v for key %q", src.selector, start.UTC().Format(time.RFC3339), v, k)
			}
		}
	}
	return tt, nil
}
