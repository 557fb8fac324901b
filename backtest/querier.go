package backtest

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
)

// countingQuerier counts the queries a replay sends when it prefetches
// nothing.
type countingQuerier struct {
	burnrate.Querier
	instants, ranges atomic.Int64
}

func (c *countingQuerier) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	c.instants.Add(1)
	return c.Querier.Query(ctx, expr, at)
}

func (c *countingQuerier) QueryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	c.ranges.Add(1)
	return c.Querier.QueryRange(ctx, expr, r)
}
