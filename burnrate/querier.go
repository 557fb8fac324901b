package burnrate

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/common/model"
)

// Querier answers PromQL queries. It is the seam between the pure burn-rate
// engine and a Prometheus-compatible engine: the Prometheus HTTP API (and
// Thanos, Mimir, VictoriaMetrics behind it) or the embedded engine.
type Querier interface {
	// Query evaluates an instant query at the given time.
	Query(ctx context.Context, expr string, at time.Time) (model.Vector, error)
	// QueryRange evaluates a range query over r.
	QueryRange(ctx context.Context, expr string, r Range) (model.Matrix, error)
}

// Range is the time span and resolution of a range query.
type Range struct {
	Start, End time.Time
	Step       time.Duration
}

// countingQuerier counts the queries of one cycle.
type countingQuerier struct {
	q         Querier
	n, failed atomic.Int64
}

func (c *countingQuerier) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	c.n.Add(1)
	v, err := c.q.Query(ctx, expr, at)
	if err != nil {
		c.failed.Add(1)
	}
	return v, err
}

func (c *countingQuerier) QueryRange(ctx context.Context, expr string, r Range) (model.Matrix, error) {
	c.n.Add(1)
	m, err := c.q.QueryRange(ctx, expr, r)
	if err != nil {
		c.failed.Add(1)
	}
	return m, err
}
