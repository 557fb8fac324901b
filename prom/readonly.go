package prom

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"

	"github.com/burnwatch/burnwatch/burnrate"
)

// ReadOnly is a burnrate.Querier over a Prometheus data directory, a
// snapshot of one (/api/v1/admin/tsdb/snapshot) or a single block, opened
// read-only with Prometheus' own engine: nothing in the directory is
// written, and no server is needed. The data is loaded once, when it
// opens; samples written to the directory later are not seen. It is safe
// for concurrent use: queries run one at a time, since the head replayed
// from a write-ahead log has an index reader that concurrent queries may
// not share.
type ReadOnly struct {
	// mu serialises the queries.
	mu       sync.Mutex
	opts     EmbeddedOptions
	engine   *promql.Engine
	data     fixedQueryable
	closers  []func() error
	sandbox  string
	counters queryCounters
}

var _ burnrate.Querier = (*ReadOnly)(nil)

// OpenReadOnly opens opts.Dir read-only. A directory holding meta.json is
// read as one block; any other as a data directory (blocks, and the
// write-ahead log when there is one). Of the options, Dir, MaxSamples,
// Timeout, LookbackDelta and Logger apply.
func OpenReadOnly(opts EmbeddedOptions) (_ *ReadOnly, err error) {
	if opts.Dir == "" {
		return nil, errors.New("open tsdb read-only: no directory")
	}
	if opts, err = opts.withDefaults(); err != nil {
		return nil, fmt.Errorf("open tsdb %s read-only: %w", opts.Dir, err)
	}
	r := &ReadOnly{opts: opts}
	defer func() {
		if err != nil {
			err = errors.Join(err, r.Close())
		}
	}()
	if _, statErr := os.Stat(filepath.Join(opts.Dir, "meta.json")); statErr == nil {
		err = r.openBlock()
	} else {
		err = r.openDir()
	}
	if err != nil {
		return nil, fmt.Errorf("open tsdb %s read-only: %w", opts.Dir, err)
	}
	r.engine = newEngine(opts, parser.NewParser(parser.Options{}))
	return r, nil
}

func (r *ReadOnly) openBlock() error {
	b, err := tsdb.OpenBlock(r.opts.Logger, r.opts.Dir, nil, nil)
	if err != nil {
		return err
	}
	r.closers = append(r.closers, b.Close)
	q, err := tsdb.NewBlockQuerier(b, math.MinInt64, math.MaxInt64)
	if err != nil {
		return err
	}
	r.closers = append(r.closers, q.Close)
	r.data = fixedQueryable{q}
	return nil
}

// openDir loads the blocks and replays the write-ahead log into a head in
// a temporary sandbox, never into the directory itself.
func (r *ReadOnly) openDir() error {
	sandbox, err := os.MkdirTemp("", "burnwatch-tsdb-ro-")
	if err != nil {
		return err
	}
	r.sandbox = sandbox
	db, err := tsdb.OpenDBReadOnly(r.opts.Dir, sandbox, r.opts.Logger)
	if err != nil {
		return err
	}
	r.closers = append(r.closers, db.Close)
	if _, err := os.Stat(filepath.Join(r.opts.Dir, "wal")); err != nil {
		// A snapshot: blocks only.
		return r.openBlocks(db)
	}
	q, err := db.Querier(math.MinInt64, math.MaxInt64)
	if err != nil {
		return err
	}
	r.closers = append(r.closers, q.Close)
	r.data = fixedQueryable{q}
	return nil
}

// openBlocks reads the blocks of a directory without a write-ahead log.
func (r *ReadOnly) openBlocks(db *tsdb.DBReadOnly) error {
	blocks, err := db.Blocks()
	if err != nil {
		return err
	}
	if len(blocks) == 0 {
		return errors.New("no blocks and no write-ahead log: not a Prometheus data directory")
	}
	queriers := make([]storage.Querier, 0, len(blocks))
	for _, b := range blocks {
		q, err := tsdb.NewBlockQuerier(b, math.MinInt64, math.MaxInt64)
		if err != nil {
			return err
		}
		r.closers = append(r.closers, q.Close)
		queriers = append(queriers, q)
	}
	r.data = fixedQueryable{storage.NewMergeQuerier(queriers, nil, storage.ChainedSeriesMerge)}
	return nil
}

// Query evaluates an instant query at the given time.
func (r *ReadOnly) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	vec, err := instantQuery(ctx, r.engine, r.data, r.opts.Logger, expr, at)
	if err != nil {
		err = fmt.Errorf("query %q at %s: %w", expr, formatTime(at), err)
	}
	return vec, r.counters.count(err)
}

// QueryRange evaluates expr over rg and returns one series per label set.
func (r *ReadOnly) QueryRange(ctx context.Context, expr string, rg burnrate.Range) (model.Matrix, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	mat, err := rangeQuery(ctx, r.engine, r.data, r.opts.Logger, expr, rg)
	if err != nil {
		err = fmt.Errorf("query range %q from %s to %s step %s: %w",
			expr, formatTime(rg.Start), formatTime(rg.End), rg.Step, err)
	}
	return mat, r.counters.count(err)
}

// Stats returns how many queries were answered and failed.
func (r *ReadOnly) Stats() QueryStats {
	return r.counters.stats()
}

// Close releases the data and removes the sandbox.
func (r *ReadOnly) Close() error {
	var errs []error
	if r.engine != nil {
		errs = append(errs, r.engine.Close())
	}
	for i := len(r.closers) - 1; i >= 0; i-- {
		errs = append(errs, r.closers[i]())
	}
	r.closers = nil
	if r.sandbox != "" {
		errs = append(errs, os.RemoveAll(r.sandbox))
		r.sandbox = ""
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close tsdb %s: %w", r.opts.Dir, err)
	}
	return nil
}

// fixedQueryable hands the engine one querier over all the data for every
// query; closing it is the ReadOnly's business, not the query's.
type fixedQueryable struct {
	q storage.Querier
}

func (f fixedQueryable) Querier(int64, int64) (storage.Querier, error) {
	return noClose{f.q}, nil
}

type noClose struct {
	storage.Querier
}

func (noClose) Close() error { return nil }
