package backtest

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
)

// rangeKey names a range query up to its bounds: its expression and step.
type rangeKey struct {
	expr string
	step time.Duration
}

// rangeStream is one sequence of range queries of an expression and step
// that moves forward: where it was last asked to start, and the series of
// its current chunk.
type rangeStream struct {
	lastStart time.Time
	chunk     int
	start     time.Time // the current chunk: start, start+step, …, end
	end       time.Time
	series    model.Matrix
}

// maxStreams bounds the streams kept for one expression and step.
const maxStreams = 16

// QueryRange answers a range query from a chunk it prefetched for the
// same expression and step when the chunk holds the query's every instant,
// and otherwise sends it on. The Evaluator reads the unaligned tails of its
// windows and the tiles it builds with range queries that move forward
// with each cycle, the same query in as many interleaved streams as there
// are window starts. A query asked first is sent as it is and starts a
// stream; one asked at or after the start of a stream (the nearest one
// before it) reads that stream's next instants ahead with one range query,
// chunks doubling from 16 points up to MaxPoints. A range query evaluates
// each instant independently of its bounds, so the points of an aligned
// sub-range are the ones the narrower query answers.
func (p *Prefetch) QueryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	if r.Step <= 0 || r.End.Before(r.Start) || r.End.After(p.to) {
		p.ranges.Add(1)
		return p.q.QueryRange(ctx, expr, r)
	}
	e := p.rangeEntry(rangeKey{expr: expr, step: r.Step})
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, st := range e.streams {
		if m, ok := st.slice(r); ok {
			p.answered.Add(1)
			if r.Start.After(st.lastStart) {
				st.lastStart = r.Start
			}
			return m, nil
		}
	}
	st := e.preceding(r.Start)
	if st == nil {
		e.add(&rangeStream{lastStart: r.Start, chunk: minChunk})
		p.ranges.Add(1)
		return p.q.QueryRange(ctx, expr, r)
	}
	st.lastStart = r.Start
	n := min(st.chunk, p.max)
	end := r.Start.Add(time.Duration(n-1) * r.Step)
	if end.After(p.to) {
		end = r.Start.Add(p.to.Sub(r.Start) / r.Step * r.Step)
	}
	if end.Before(r.End) {
		end = r.End
	}
	p.ranges.Add(1)
	m, err := p.q.QueryRange(ctx, expr, burnrate.Range{Start: r.Start, End: end, Step: r.Step})
	if err != nil {
		st.series = nil
		return nil, err
	}
	st.start, st.end, st.series = r.Start, end, m
	st.chunk = min(2*st.chunk, p.max)
	out, _ := st.slice(r)
	p.answered.Add(1)
	return out, nil
}

// rangeEntry holds the streams of one expression and step.
type rangeEntry struct {
	mu      sync.Mutex
	streams []*rangeStream
}

func (p *Prefetch) rangeEntry(k rangeKey) *rangeEntry {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.rangeExprs[k]
	if !ok {
		e = &rangeEntry{}
		p.rangeExprs[k] = e
	}
	return e
}

// preceding is the stream last asked nearest before or at start, if any.
func (e *rangeEntry) preceding(start time.Time) *rangeStream {
	var best *rangeStream
	for _, st := range e.streams {
		if !st.lastStart.After(start) && (best == nil || st.lastStart.After(best.lastStart)) {
			best = st
		}
	}
	return best
}

// add keeps st, leaving out the stream asked least far on when there are
// maxStreams already.
func (e *rangeEntry) add(st *rangeStream) {
	if len(e.streams) >= maxStreams {
		oldest := 0
		for i, o := range e.streams {
			if o.lastStart.Before(e.streams[oldest].lastStart) {
				oldest = i
			}
		}
		e.streams = append(e.streams[:oldest], e.streams[oldest+1:]...)
	}
	e.streams = append(e.streams, st)
}

// slice answers r from the current chunk when the chunk holds all of its
// instants: each series' points in [r.Start, r.End], series without any
// left out as Prometheus leaves them out.
func (c *rangeStream) slice(r burnrate.Range) (model.Matrix, bool) {
	if c.series == nil || r.Start.Before(c.start) || r.End.After(c.end) || r.Start.Sub(c.start)%r.Step != 0 {
		return nil, false
	}
	from, to := model.TimeFromUnixNano(r.Start.UnixNano()), model.TimeFromUnixNano(r.End.UnixNano())
	out := model.Matrix{}
	for _, s := range c.series {
		sub := &model.SampleStream{Metric: s.Metric}
		for _, v := range s.Values {
			if v.Timestamp >= from && v.Timestamp <= to {
				sub.Values = append(sub.Values, v)
			}
		}
		for _, h := range s.Histograms {
			if h.Timestamp >= from && h.Timestamp <= to {
				sub.Histograms = append(sub.Histograms, h)
			}
		}
		if len(sub.Values)+len(sub.Histograms) > 0 {
			out = append(out, sub)
		}
	}
	return out, true
}
