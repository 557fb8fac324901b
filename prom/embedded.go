package prom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/timestamp"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"

	"github.com/burnwatch/burnwatch/burnrate"
)

// Embedded is a burnrate.Querier that runs Prometheus' own promql engine
// over a tsdb in this process, with in-memory exemplar storage. Writers add
// samples through Appender or Load. It is safe for concurrent use.
type Embedded struct {
	opts     EmbeddedOptions
	db       *tsdb.DB
	engine   *promql.Engine
	parser   parser.Parser
	tempDir  string // removed on Close when the options named no Dir
	counters queryCounters
}

var _ burnrate.Querier = (*Embedded)(nil)

// NewEmbedded opens (or creates) the database and starts the engine. Close
// releases both.
func NewEmbedded(opts EmbeddedOptions) (*Embedded, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("new embedded engine: %w", err)
	}
	e := &Embedded{opts: opts, parser: parser.NewParser(parser.Options{})}
	dir := opts.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "burnwatch-tsdb-"); err != nil {
			return nil, fmt.Errorf("new embedded engine: %w", err)
		}
		e.tempDir = dir
	}
	if e.db, err = tsdb.Open(dir, opts.Logger, nil, tsdbOptions(opts), nil); err != nil {
		e.removeTempDir()
		return nil, fmt.Errorf("new embedded engine: open tsdb in %s: %w", dir, err)
	}
	e.engine = newEngine(opts, e.parser)
	return e, nil
}

// newEngine is the promql engine with the options' limits, the features
// burnwatch's queries use on.
func newEngine(opts EmbeddedOptions, p parser.Parser) *promql.Engine {
	return promql.NewEngine(promql.EngineOpts{
		Logger:                   opts.Logger,
		MaxSamples:               opts.MaxSamples,
		Timeout:                  opts.Timeout,
		LookbackDelta:            opts.LookbackDelta,
		NoStepSubqueryIntervalFn: func(int64) int64 { return subqueryStep.Milliseconds() },
		EnableAtModifier:         true,
		EnableNegativeOffset:     true,
		Parser:                   p,
	})
}

// tsdbOptions are Prometheus' defaults with exemplars on, and retention,
// block sizes and the out-of-order window set the way Prometheus sets them
// from its flags.
func tsdbOptions(o EmbeddedOptions) *tsdb.Options {
	t := tsdb.DefaultOptions()
	t.RetentionDuration = o.Retention.Milliseconds()
	t.MaxBlockDuration = min(o.Retention/10, 31*24*time.Hour).Milliseconds()
	t.EnableExemplarStorage = true
	t.MaxExemplars = o.MaxExemplars
	t.OutOfOrderTimeWindow = o.OutOfOrderWindow.Milliseconds()
	return t
}

// Appender returns a transaction for adding samples, histograms and
// exemplars; nothing is visible to queries until Commit. With the
// out-of-order window on (the default), samples and their exemplars may be
// appended in any time order within it, so history can be backfilled after
// live samples went in; with it off, a sample more than an hour older than
// the newest one is refused as out of bounds. Exemplars live in a ring
// buffer of EmbeddedOptions.MaxExemplars shared by all series.
func (e *Embedded) Appender(ctx context.Context) storage.Appender {
	return e.db.Appender(ctx)
}

// Query evaluates expr at the given time. A scalar answer becomes a vector
// of one sample with no labels; a string answer is an error.
func (e *Embedded) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	vec, err := e.query(ctx, expr, at)
	if err != nil {
		err = fmt.Errorf("query %q at %s: %w", expr, formatTime(at), err)
	}
	return vec, e.counters.count(err)
}

func (e *Embedded) query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	return instantQuery(ctx, e.engine, e.db, e.opts.Logger, expr, at)
}

// instantQuery evaluates expr at `at` with engine over db.
func instantQuery(ctx context.Context, engine *promql.Engine, db storage.Queryable, logger *slog.Logger, expr string, at time.Time) (model.Vector, error) {
	var v model.Vector
	err := evalInstant(ctx, engine, db, logger, expr, at, func(res *promql.Result) (err error) {
		v, err = promqlVector(res.Value)
		return err
	})
	return v, err
}

// evalInstant evaluates expr at `at` and hands the result to convert while
// the query's memory is still valid.
func evalInstant(ctx context.Context, engine *promql.Engine, db storage.Queryable, logger *slog.Logger, expr string, at time.Time, convert func(*promql.Result) error) error {
	q, err := engine.NewInstantQuery(ctx, db, nil, expr, at)
	if err != nil {
		return badData(err)
	}
	defer q.Close()
	res := q.Exec(ctx)
	if res.Err != nil {
		return classify(res.Err)
	}
	logWarnings(logger, expr, res)
	return convert(res)
}

// QueryRange evaluates expr over r and returns one series per label set.
func (e *Embedded) QueryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	mat, err := e.queryRange(ctx, expr, r)
	if err != nil {
		err = fmt.Errorf("query range %q from %s to %s step %s: %w",
			expr, formatTime(r.Start), formatTime(r.End), r.Step, err)
	}
	return mat, e.counters.count(err)
}

func (e *Embedded) queryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	return rangeQuery(ctx, e.engine, e.db, e.opts.Logger, expr, r)
}

// rangeQuery evaluates expr over r with engine over db.
func rangeQuery(ctx context.Context, engine *promql.Engine, db storage.Queryable, logger *slog.Logger, expr string, r burnrate.Range) (model.Matrix, error) {
	if r.Step <= 0 {
		return nil, fmt.Errorf("%s: step %s is not positive", v1.ErrBadData, r.Step)
	}
	q, err := engine.NewRangeQuery(ctx, db, nil, expr, r.Start, r.End, r.Step)
	if err != nil {
		return nil, badData(err)
	}
	defer q.Close()
	res := q.Exec(ctx)
	if res.Err != nil {
		return nil, classify(res.Err)
	}
	logWarnings(logger, expr, res)
	return promqlMatrix(res.Value)
}

// QueryExemplars returns the exemplars, between start and end, of the
// series selected by the vector selectors in expr, as Prometheus'
// /api/v1/query_exemplars does.
func (e *Embedded) QueryExemplars(ctx context.Context, expr string, start, end time.Time) ([]v1.ExemplarQueryResult, error) {
	res, err := e.queryExemplars(ctx, expr, start, end)
	if err != nil {
		err = fmt.Errorf("query exemplars %q from %s to %s: %w", expr, formatTime(start), formatTime(end), err)
	}
	return res, e.counters.count(err)
}

func (e *Embedded) queryExemplars(ctx context.Context, expr string, start, end time.Time) ([]v1.ExemplarQueryResult, error) {
	if end.Before(start) {
		return nil, fmt.Errorf("%s: end is before start", v1.ErrBadData)
	}
	parsed, err := e.parser.ParseExpr(expr)
	if err != nil {
		return nil, badData(err)
	}
	selectors := parser.ExtractSelectors(parsed)
	if len(selectors) == 0 {
		return nil, nil
	}
	eq, err := e.db.ExemplarQuerier(ctx)
	if err != nil {
		return nil, err
	}
	found, err := eq.Select(timestamp.FromTime(start), timestamp.FromTime(end), selectors...)
	if err != nil {
		return nil, err
	}
	return exemplarResults(found), nil
}

// Stats returns how many queries this engine has answered and failed.
// Retries is always zero: nothing here is retried.
func (e *Embedded) Stats() QueryStats {
	return e.counters.stats()
}

// Close stops the engine, closes the database and, when it was temporary,
// removes it.
func (e *Embedded) Close() error {
	err := errors.Join(e.engine.Close(), e.db.Close())
	e.removeTempDir()
	if err != nil {
		return fmt.Errorf("close embedded engine: %w", err)
	}
	return nil
}

func (e *Embedded) removeTempDir() {
	if e.tempDir != "" {
		if err := os.RemoveAll(e.tempDir); err != nil {
			e.opts.Logger.Warn("cannot remove the embedded engine's temporary database", "dir", e.tempDir, "err", err)
		}
	}
}

// logWarnings logs the engine's warnings about a query, which are not errors.
func logWarnings(logger *slog.Logger, expr string, res *promql.Result) {
	warnings, _ := res.Warnings.AsStrings(expr, 10, 0)
	if len(warnings) > 0 {
		logger.Warn("query returned warnings", "query", expr, "warnings", warnings)
	}
}

// badData prefixes an error in the query itself, found before evaluation,
// the way the Prometheus HTTP API reports it.
func badData(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%s: %w", v1.ErrBadData, err)
}

// classify prefixes an evaluation error with the type the Prometheus HTTP
// API would give it (timeout, canceled, execution, server_error), so that
// both queriers read the same.
func classify(err error) error {
	var (
		timeout  promql.ErrQueryTimeout
		canceled promql.ErrQueryCanceled
		storeErr promql.ErrStorage
	)
	kind := v1.ErrExec
	switch {
	case errors.As(err, &timeout):
		kind = v1.ErrTimeout
	case errors.As(err, &canceled), errors.Is(err, context.Canceled):
		kind = v1.ErrCanceled
	case errors.As(err, &storeErr):
		kind = v1.ErrServer
	}
	return fmt.Errorf("%s: %w", kind, err)
}
