package burnrate

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/prometheus/common/model"
)

// The short windows of a merged counter (5m, 30m, 1h: up to
// Options.DirectUpTo) would each be read with increase() every cycle,
// scanning every sample of the last hour three times. With a RawQuerier the
// evaluator instead keeps the raw samples of the source's series over the
// last DirectUpTo, reads each cycle only what came in since the last read
// (and a little before it, for samples ingested late), and computes every
// short window from them the way the engine's increase() would; the head
// of the tiled windows comes from them too (recent_head.go).

// recentSamples holds one counter source's raw samples over the last span.
type recentSamples struct {
	span  time.Duration
	rules RangeRules
	// readAt is when the last read ended; zero means the next read
	// covers the whole span again.
	readAt time.Time
	series map[seriesID]*recentSeries
	// keys interns the series' keys: many series share one.
	keys map[string]string
}

// seriesID tells series apart by two independent hashes of their label
// sets (128 bits), so that no label set is kept.
type seriesID struct{ fp, fast model.Fingerprint }

// recentSeries is one series' samples, oldest first: timestamps as
// millisecond offsets from base (12 bytes a sample, no pointers).
type recentSeries struct {
	key     string
	base    int64
	offsets []int32
	values  []float64
}

func newRecentSamples(span time.Duration, rules RangeRules) *recentSamples {
	return &recentSamples{span: span, rules: rules, series: map[seriesID]*recentSeries{}, keys: map[string]string{}}
}

// fullReadChunk is the longest range one read of the whole span asks for:
// the answer of a read holds every raw sample of its range, so a first
// read of an hour is split, and what it costs in memory at once is a
// sixth of the hour's samples.
const fullReadChunk = 10 * time.Minute

// refresh brings the samples up to at: the whole span on the first read,
// after a failed one or a gap, else from overlap before the last read.
// The engine's answer is complete for the range it covers, so what the
// state held in that range is replaced by it.
func (r *recentSamples) refresh(ctx context.Context, q *countingQuerier, src *source, at time.Time, overlap time.Duration) error {
	if r.readAt.IsZero() || !at.After(r.readAt) || at.Sub(r.readAt)+overlap >= r.span {
		return r.readAll(ctx, q, src, at)
	}
	d := (at.Sub(r.readAt) + overlap).Truncate(time.Millisecond)
	m, err := q.QuerySamples(ctx, src.selector, d, at)
	if err != nil {
		r.readAt = time.Time{}
		return err
	}
	from := at.UnixMilli() - d.Milliseconds()
	for _, s := range r.series {
		s.cutFrom(r.firstIn(s, from))
	}
	for _, stream := range m {
		r.add(src, stream, 0)
	}
	r.trim(at.UnixMilli() - r.span.Milliseconds())
	r.readAt = at
	return nil
}

// readAll reads the whole span again, oldest chunk first.
func (r *recentSamples) readAll(ctx context.Context, q *countingQuerier, src *source, at time.Time) error {
	clear(r.series)
	clear(r.keys)
	r.readAt = time.Time{}
	if err := r.readRange(ctx, q, src, at.Add(-r.span), at); err != nil {
		clear(r.series)
		return err
	}
	r.trim(at.UnixMilli() - r.span.Milliseconds())
	r.readAt = at
	return nil
}

// add appends a stream of samples read after what the series holds; a
// sample not after the series' newest one is one it holds already. chunks
// is how many chunks of a read of a range (readRange) this one and those after
// it are (0 outside such a read): a series that must grow then grows to
// hold as many samples in each of them as in this one, so that a read of
// the span fills its slices once, instead of doubling them chunk after
// chunk and keeping up to half of them empty. Either way it grows with a
// little room (sampleRoom) for the samples of the cycles after.
func (r *recentSamples) add(src *source, stream *model.SampleStream, chunks int) {
	if len(stream.Values) == 0 {
		return
	}
	id := seriesID{stream.Metric.Fingerprint(), stream.Metric.FastFingerprint()}
	s, ok := r.series[id]
	if !ok {
		key := src.key(stream.Metric)
		if have, ok := r.keys[key]; ok {
			key = have
		} else {
			r.keys[key] = key
		}
		s = &recentSeries{key: key, base: int64(stream.Values[0].Timestamp)}
		r.series[id] = s
	}
	if need := len(s.offsets) + len(stream.Values); need > cap(s.offsets) || need > cap(s.values) {
		need = len(s.offsets) + max(chunks, 1)*len(stream.Values)
		s.offsets, s.values = withRoom(s.offsets, sampleRoom(need)), withRoom(s.values, sampleRoom(need))
	}
	for _, p := range stream.Values {
		off := int64(p.Timestamp) - s.base
		if n := len(s.offsets); n > 0 && off <= int64(s.offsets[n-1]) {
			continue
		}
		s.offsets = append(s.offsets, int32(off))
		s.values = append(s.values, float64(p.Value))
	}
}

// sampleRoom is the room a series that must hold n samples grows to: a
// 16th more and four, for the samples later cycles read before they trim
// the oldest (an hour of samples a minute apart and 30-second cycles hold
// at most 62), and so that a series that grows a sample at a time is not
// copied every cycle.
func sampleRoom(n int) int { return n + n/16 + 4 }

// withRoom returns s in a slice with room for n elements.
func withRoom[E any](s []E, n int) []E {
	if n <= cap(s) {
		return s
	}
	t := make([]E, len(s), n)
	copy(t, s)
	return t
}

// firstIn is the index of a series' first sample inside a range that
// starts at from (ms), by the engine's rule for the range's left edge.
func (r *recentSamples) firstIn(s *recentSeries, from int64) int {
	if !r.rules.IncludesStart {
		from++ // timestamps are whole milliseconds
	}
	return s.search(from)
}

// search is the index of the series' first sample at or after t (ms).
func (s *recentSeries) search(t int64) int {
	i, _ := slices.BinarySearchFunc(s.offsets, t-s.base, func(off int32, t int64) int {
		return cmp.Compare(int64(off), t)
	})
	return i
}

// trim drops the samples before keepFrom (ms) and the series left with
// none (and the keys no series has any more), and moves each series' base
// to its first sample, so that offsets stay small however long the
// evaluator runs.
func (r *recentSamples) trim(keepFrom int64) {
	dropped := false
	for id, s := range r.series {
		i := s.search(keepFrom)
		if i == len(s.offsets) {
			delete(r.series, id)
			dropped = true
			continue
		}
		shift := s.offsets[i]
		n := copy(s.offsets, s.offsets[i:])
		copy(s.values, s.values[i:])
		s.offsets, s.values = s.offsets[:n], s.values[:n]
		for j := range s.offsets {
			s.offsets[j] -= shift
		}
		s.base += int64(shift)
		if cap(s.offsets) > 2*n+16 {
			// Far fewer samples than room: give the room back.
			s.offsets, s.values = slices.Clone(s.offsets), slices.Clone(s.values)
		}
	}
	if dropped {
		clear(r.keys)
		for _, s := range r.series {
			r.keys[s.key] = s.key
		}
	}
}

// cutFrom drops the samples from index i on.
func (s *recentSeries) cutFrom(i int) {
	s.offsets, s.values = s.offsets[:i], s.values[:i]
}

// window returns, by key, what `sum by (keys) (increase(SELECTOR[w]))`
// answers at at: the sum of the increases of the key's series; a key none
// of whose series has two samples in the window is absent.
func (r *recentSamples) window(src *source, w time.Duration, at time.Time) (map[string]float64, error) {
	end := at.UnixMilli()
	start := end - w.Milliseconds()
	vals := map[string]float64{}
	for _, s := range r.series {
		i := r.firstIn(s, start)
		v, ok := increaseOf(s.base, s.offsets[i:], s.values[i:], start, end, r.rules)
		if !ok {
			continue
		}
		vals[s.key] += v
	}
	for k, v := range vals {
		if math.IsInf(v, 0) {
			return nil, fmt.Errorf("increase of %s over %s answered %v for key %q", src.selector, FormatWindow(w), v, k)
		}
	}
	return vals, nil
}

// maxRecentSpan bounds the span raw samples are kept over: their
// millisecond offsets are 32-bit, and a read may reach twice the span.
const maxRecentSpan = 12 * 24 * time.Hour

// rawRules says whether this cycle reads raw samples, and by which rules:
// when the querier is a RawQuerier that knows its engine's rules, and the
// options allow it.
func (e *Evaluator) rawRules(ctx context.Context, q Querier) (RangeRules, bool) {
	rq, ok := q.(RawQuerier)
	if !ok || e.opts.Exact || e.opts.RawOverlap < 0 || e.opts.DirectUpTo > maxRecentSpan {
		return RangeRules{}, false
	}
	rules, err := rq.RangeRules(ctx)
	return rules, err == nil
}

// recentFor returns the raw samples kept for a source, new ones when there
// are none yet or the engine's rules changed.
func (e *Evaluator) recentFor(src *source, rules RangeRules) *recentSamples {
	r, ok := e.recent[src.id]
	if !ok || r.rules != rules || r.span != e.opts.DirectUpTo {
		r = newRecentSamples(e.opts.DirectUpTo, rules)
		e.recent[src.id] = r
	}
	return r
}

// recentWindows answers a counter source's direct windows from its raw
// samples, after reading what is new.
func (e *Evaluator) recentWindows(ctx context.Context, q *countingQuerier, src *source, r *recentSamples, windows []time.Duration, at time.Time, ans *answers) error {
	if err := r.refresh(ctx, q, src, at, e.opts.RawOverlap); err != nil {
		return err
	}
	for _, w := range windows {
		vals, err := r.window(src, w, at)
		if err != nil {
			return err
		}
		ans.set(src, w, vals)
	}
	return nil
}
