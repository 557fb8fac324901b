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

// RawQuerier is a Querier that also returns raw samples. An evaluator
// whose querier has it keeps the recent samples of each merged counter
// between cycles and reads only what is new each cycle, instead of asking
// for increase() over every short window (recent.go). Queriers without it
// get today's queries.
type RawQuerier interface {
	Querier
	// QuerySamples returns the raw samples of the series a plain selector
	// matches over the d before at: the answer to the instant query
	// `selector[d]` at at. Whether a sample at exactly at − d is included
	// is the engine's rule, which RangeRules reports.
	QuerySamples(ctx context.Context, selector string, d time.Duration, at time.Time) (model.Matrix, error)
	// RangeRules says how the engine selects a range and extrapolates
	// increase(); an error means it cannot tell, and the evaluator then
	// queries increase() as usual.
	RangeRules(ctx context.Context) (RangeRules, error)
}

// RangeRules are the rules by which an engine's increase() reads a range,
// which differ between Prometheus versions.
type RangeRules struct {
	// IncludesStart is true when a range selector [at − d, at] includes a
	// sample at exactly at − d (Prometheus 2.x); Prometheus 3 selects
	// (at − d, at].
	IncludesStart bool
	// ZeroFirst is true when increase() limits the extrapolation towards
	// the counter's zero point before it applies the 1.1 × average
	// interval threshold (Prometheus before 2.52); later versions apply
	// the threshold first.
	ZeroFirst bool
}

// QuerySamples passes the raw read to the counted querier, which must be a
// RawQuerier.
func (c *countingQuerier) QuerySamples(ctx context.Context, selector string, d time.Duration, at time.Time) (model.Matrix, error) {
	c.n.Add(1)
	m, err := c.q.(RawQuerier).QuerySamples(ctx, selector, d, at)
	if err != nil {
		c.failed.Add(1)
	}
	return m, err
}
