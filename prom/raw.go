package prom

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/storage"

	"github.com/burnwatch/burnwatch/burnrate"
)

// The embedded engine and ReadOnly run the promql package linked into this
// binary (Prometheus 3): its range selectors leave out a sample at exactly
// the range's start, and increase() applies the extrapolation threshold
// before limiting the extrapolation at the counter's zero point.
var engineRules = burnrate.RangeRules{IncludesStart: false, ZeroFirst: false}

var (
	_ burnrate.RawQuerier = (*Embedded)(nil)
	_ burnrate.RawQuerier = (*ReadOnly)(nil)
	_ burnrate.RawQuerier = (*HTTP)(nil)
)

// samplesExpr is the instant query whose answer is a selector's raw
// samples over the d before the evaluation time.
func samplesExpr(selector string, d time.Duration) string {
	return selector + "[" + burnrate.FormatWindow(d) + "]"
}

// QuerySamples returns the raw samples selector matches over the d before
// at.
func (e *Embedded) QuerySamples(ctx context.Context, selector string, d time.Duration, at time.Time) (model.Matrix, error) {
	expr := samplesExpr(selector, d)
	m, err := samplesQuery(ctx, e.engine, e.db, e.opts.Logger, expr, at)
	if err != nil {
		err = fmt.Errorf("query %q at %s: %w", expr, formatTime(at), err)
	}
	return m, e.counters.count(err)
}

// RangeRules returns the rules of the linked promql engine.
func (e *Embedded) RangeRules(context.Context) (burnrate.RangeRules, error) {
	return engineRules, nil
}

// QuerySamples returns the raw samples selector matches over the d before
// at.
func (r *ReadOnly) QuerySamples(ctx context.Context, selector string, d time.Duration, at time.Time) (model.Matrix, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	expr := samplesExpr(selector, d)
	m, err := samplesQuery(ctx, r.engine, r.data, r.opts.Logger, expr, at)
	if err != nil {
		err = fmt.Errorf("query %q at %s: %w", expr, formatTime(at), err)
	}
	return m, r.counters.count(err)
}

// RangeRules returns the rules of the linked promql engine.
func (r *ReadOnly) RangeRules(context.Context) (burnrate.RangeRules, error) {
	return engineRules, nil
}

// samplesQuery evaluates an instant query whose answer is a matrix.
func samplesQuery(ctx context.Context, engine *promql.Engine, db storage.Queryable, logger *slog.Logger, expr string, at time.Time) (model.Matrix, error) {
	var m model.Matrix
	err := evalInstant(ctx, engine, db, logger, expr, at, func(res *promql.Result) (err error) {
		m, err = promqlMatrix(res.Value)
		return err
	})
	return m, err
}
