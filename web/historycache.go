package web

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/common/model"
	"golang.org/x/sync/singleflight"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// historyCache keeps each SLO's history for a while, so that every browser
// refreshing the same page costs Prometheus one set of range queries a TTL.
// Concurrent requests for one SLO share one computation, and the queries of
// all SLOs together run at most a few at a time. An entry belongs to one
// spec: a reload that changes the SLO (its period, hence the history's
// range) gets a new history.
type historyCache struct {
	q       burnrate.Querier
	ttl     time.Duration
	timeout time.Duration
	now     func() time.Time
	flight  singleflight.Group

	mu      sync.Mutex
	entries map[string]historyEntry
}

// historyEntry is one cached result: an SLO's period history, or the
// charts of one of its time ranges.
type historyEntry struct {
	// spec is the SLO the history was computed for: a reloaded spec with
	// the same id gets a new history.
	spec    *slo.SLO
	value   any
	err     error
	expires time.Time
}

func newHistoryCache(q burnrate.Querier, ttl, timeout time.Duration, concurrency int) *historyCache {
	limited := boundedQuerier{q: q, slots: make(chan struct{}, concurrency)}
	return &historyCache{q: limited, ttl: ttl, timeout: timeout, now: time.Now, entries: map[string]historyEntry{}}
}

// boundedQuerier runs at most cap(slots) queries at once; the others wait
// for a slot, or for their context to end.
type boundedQuerier struct {
	q     burnrate.Querier
	slots chan struct{}
}

func (b boundedQuerier) acquire(ctx context.Context) error {
	select {
	case b.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for a history query slot: %w", ctx.Err())
	}
}

func (b boundedQuerier) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	if err := b.acquire(ctx); err != nil {
		return nil, err
	}
	defer func() { <-b.slots }()
	return b.q.Query(ctx, expr, at)
}

func (b boundedQuerier) QueryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	if err := b.acquire(ctx); err != nil {
		return nil, err
	}
	defer func() { <-b.slots }()
	return b.q.QueryRange(ctx, expr, r)
}

// get returns the SLO's history at `at`, or a recent one.
func (c *historyCache) get(ctx context.Context, s *slo.SLO, at time.Time) (*burnrate.SLOHistory, error) {
	v, err := c.load(ctx, s.ID, s, func(ctx context.Context, q burnrate.Querier) (any, error) {
		return burnrate.History(ctx, q, s, at, burnrate.HistoryOptions{SkipBurnRates: true})
	})
	if err != nil {
		return nil, err
	}
	return v.(*burnrate.SLOHistory), nil
}

// load returns what compute returned under key for the SLO, or a recent
// one. Concurrent loads of one key share one computation. The queries run
// detached from ctx's cancellation (a browser that gives up must not fail
// the others waiting for the same result) but bounded by the timeout, and
// with the bounded querier.
func (c *historyCache) load(ctx context.Context, key string, s *slo.SLO, compute func(context.Context, burnrate.Querier) (any, error)) (any, error) {
	if e, ok := c.lookup(key, s); ok {
		return e.value, e.err
	}
	ch := c.flight.DoChan(key, func() (any, error) {
		if e, ok := c.lookup(key, s); ok {
			return e, nil
		}
		qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
		defer cancel()
		v, err := compute(qctx, c.q)
		e := historyEntry{spec: s, value: v, err: err, expires: c.now().Add(c.ttl)}
		if err != nil {
			// Retry a failure sooner than a success is refreshed.
			e.expires = c.now().Add(c.ttl / 6)
		}
		c.store(key, e)
		return e, nil
	})
	select {
	case res := <-ch:
		e := res.Val.(historyEntry)
		return e.value, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *historyCache) lookup(key string, s *slo.SLO) (historyEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.spec != s || !c.now().Before(e.expires) {
		return historyEntry{}, false
	}
	return e, true
}

// store keeps an entry and drops the expired ones, so that SLOs that went
// away do not stay.
func (c *historyCache) store(id string, e historyEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for k, old := range c.entries {
		if !now.Before(old.expires) {
			delete(c.entries, k)
		}
	}
	c.entries[id] = e
}
