package backtest

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
)

// Prefetch is a burnrate.Querier that answers instant queries from range
// queries. The Evaluator asks each expression at regular instants (every
// step for a short window, every tile for a tile's query, every hour for a
// window's unaligned tail): once an expression has been asked twice at the
// same distance, Prefetch fetches its values for the next instants at that
// distance with one range query, and answers from them. A range query
// evaluates its expression at each step exactly as an instant query
// would, so the answers are the same. Chunks double from 16 points up to
// MaxPoints, so an expression that stops being asked wastes little.
// Range queries are answered alike (see QueryRange). Queries outside
// [From, To] go to the underlying Querier unchanged. It is safe for concurrent use; each expression is
// asked at increasing instants, as the evaluation loop does.
type Prefetch struct {
	q        burnrate.Querier
	from, to time.Time
	max      int

	mu         sync.Mutex
	exprs      map[string]*prefetched
	rangeExprs map[rangeKey]*rangeEntry

	ranges, instants, answered atomic.Int64
}

// PrefetchStats count what a Prefetch did.
type PrefetchStats struct {
	// RangeQueries and InstantQueries are the queries sent on; Answered
	// the instant queries answered from prefetched points.
	RangeQueries, InstantQueries, Answered int64
}

// minChunk is the size of an expression's first prefetched chunk.
const minChunk = 16

// DefaultMaxPoints is the most points one range query asks for: under
// Prometheus' limit of 11,000 points a series.
const DefaultMaxPoints = 10_000

// NewPrefetch returns a Prefetch over q for instants in [from, to];
// maxPoints <= 0 means DefaultMaxPoints.
func NewPrefetch(q burnrate.Querier, from, to time.Time, maxPoints int) *Prefetch {
	if maxPoints <= 0 {
		maxPoints = DefaultMaxPoints
	}
	return &Prefetch{q: q, from: from, to: to, max: maxPoints, exprs: map[string]*prefetched{}, rangeExprs: map[rangeKey]*rangeEntry{}}
}

// prefetched is what is known of one expression: when it was last asked,
// the distance between its last two asks, and the points of its current
// chunk.
type prefetched struct {
	mu      sync.Mutex
	lastAsk time.Time
	stride  time.Duration
	chunk   int
	start   time.Time // the current chunk: start, start+stride, …, end
	end     time.Time
	points  map[int64]model.Vector
	// last is the answer at lastAsk, when lastOK (that query did not fail).
	last   model.Vector
	lastOK bool
}

// Stats returns the queries sent and answered so far.
func (p *Prefetch) Stats() PrefetchStats {
	return PrefetchStats{RangeQueries: p.ranges.Load(), InstantQueries: p.instants.Load(), Answered: p.answered.Load()}
}

// Query answers from prefetched points when it can.
func (p *Prefetch) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	if at.Before(p.from) || at.After(p.to) {
		p.instants.Add(1)
		return p.q.Query(ctx, expr, at)
	}
	e := p.entry(expr)
	e.mu.Lock()
	defer e.mu.Unlock()
	defer func() { e.lastAsk = at }()
	if vec, ok := e.lookup(at); ok {
		p.answered.Add(1)
		e.last, e.lastOK = vec, true
		return vec, nil
	}
	gap := at.Sub(e.lastAsk)
	if gap == 0 && e.lastOK {
		// Asked again at the same instant (a tile's end is the next
		// cycle's head): the answer it had.
		p.answered.Add(1)
		return e.last, nil
	}
	if e.lastAsk.IsZero() || gap <= 0 || gap != e.stride {
		// Not (yet) regular: learn the distance, answer directly.
		e.stride, e.chunk = gap, minChunk
		if e.lastAsk.IsZero() {
			e.stride = 0
		}
		p.instants.Add(1)
		vec, err := p.q.Query(ctx, expr, at)
		e.last, e.lastOK = vec, err == nil
		return vec, err
	}
	if err := p.fetch(ctx, expr, e, at); err != nil {
		e.lastOK = false
		return nil, err
	}
	vec, _ := e.lookup(at)
	p.answered.Add(1)
	e.last, e.lastOK = vec, true
	return vec, nil
}

func (p *Prefetch) entry(expr string) *prefetched {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.exprs[expr]
	if !ok {
		e = &prefetched{}
		p.exprs[expr] = e
	}
	return e
}

// lookup answers at from the current chunk: its value there, or an empty
// vector for an instant of the chunk where nothing matched.
func (e *prefetched) lookup(at time.Time) (model.Vector, bool) {
	if e.points == nil || at.Before(e.start) || at.After(e.end) || at.Sub(e.start)%e.stride != 0 {
		return nil, false
	}
	return e.points[at.UnixMilli()], true
}

// fetch replaces the chunk with the next one, from `at` on at the stride.
func (p *Prefetch) fetch(ctx context.Context, expr string, e *prefetched, at time.Time) error {
	n := min(e.chunk, p.max)
	end := at.Add(time.Duration(n-1) * e.stride)
	if end.After(p.to) {
		end = at.Add(p.to.Sub(at) / e.stride * e.stride)
	}
	p.ranges.Add(1)
	m, err := p.q.QueryRange(ctx, expr, burnrate.Range{Start: at, End: end, Step: e.stride})
	if err != nil {
		return err
	}
	points := map[int64]model.Vector{}
	for _, s := range m {
		for _, v := range s.Values {
			points[int64(v.Timestamp)] = append(points[int64(v.Timestamp)], &model.Sample{Metric: s.Metric, Value: v.Value, Timestamp: v.Timestamp})
		}
	}
	e.start, e.end, e.points = at, end, points
	e.chunk = min(2*e.chunk, p.max)
	return nil
}
