package burnrate

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/slo"
)

// Options tune an Evaluator. The zero value is the default.
type Options struct {
	// Exact queries every window directly with increase() over the whole
	// window, tiling nothing: the reference the tiles are measured against.
	Exact bool
	// FineTile and CoarseTile are the tile lengths (default 5m and 1h); the
	// coarse one must be a multiple of the fine one.
	FineTile, CoarseTile time.Duration
	// FineSpan is how far back fine tiles reach (default 1d): windows up to
	// it are summed from fine tiles, longer ones mostly from coarse tiles.
	FineSpan time.Duration
	// DirectUpTo is the longest window queried directly every cycle
	// (default 1h): short windows react fastest and scan little.
	DirectUpTo time.Duration
	// Settle is how old data must be before a tile is closed (default 1m),
	// so that late scrapes still count.
	Settle time.Duration
	// Parallelism bounds the queries in flight at once (default 4).
	Parallelism int
	// TailStep is the distance between evaluations (default 30s, the
	// default evaluation interval). The tails of tiled windows are read
	// once per tile at this resolution and kept, instead of queried each
	// cycle; an evaluation whose windows do not start on that grid queries
	// its tails. Negative turns the cache off.
	TailStep time.Duration
	// RawOverlap is how far before the end of the previous read each
	// cycle reads the raw samples of direct windows again (default 2m),
	// for samples ingested late: a scrape's samples carry the time it
	// started. It applies when the querier is a RawQuerier (recent.go);
	// negative turns raw reads off, and direct windows are queried with
	// increase() every cycle.
	RawOverlap time.Duration
	// AnswerBeforeTiles answers a source's tiled windows with increase()
	// over each whole window in its first cycle, as Exact does, and builds
	// its tiles the next cycle. Building every tile of a large fleet takes
	// Prometheus minutes, and a first cycle that builds them leaves every
	// SLO unevaluated until then; the daemon sets it.
	AnswerBeforeTiles bool
}

func (o Options) withDefaults() Options {
	if o.FineTile <= 0 {
		o.FineTile = 5 * time.Minute
	}
	if o.CoarseTile <= 0 {
		o.CoarseTile = time.Hour
	}
	if o.CoarseTile%o.FineTile != 0 {
		o.CoarseTile = o.FineTile * (o.CoarseTile/o.FineTile + 1)
	}
	if o.FineSpan <= 0 {
		o.FineSpan = 24 * time.Hour
	}
	if o.DirectUpTo <= 0 {
		o.DirectUpTo = time.Hour
	}
	if o.Settle <= 0 {
		o.Settle = time.Minute
	}
	if o.Parallelism <= 0 {
		o.Parallelism = 4
	}
	if o.TailStep == 0 {
		o.TailStep = 30 * time.Second
	}
	if o.RawOverlap == 0 {
		o.RawOverlap = 2 * time.Minute
	}
	return o
}

// Evaluator evaluates SLOs cycle after cycle, keeping the tiles of long
// windows between cycles. It is not safe for concurrent use: one evaluation
// loop owns it.
type Evaluator struct {
	opts  Options
	tiles map[string]*tiles
	// history holds where each SLI's series begin, for coverage.
	history historyStarts

	// blockedMu guards blocked, which SetBlocked may change while a cycle
	// runs.
	blockedMu sync.Mutex
	blocked   map[string]string

	// settledTerms are the corrections' terms over spans that will not
	// change any more, kept between cycles (corrections.go).
	settledTerms map[termKey]map[string]float64

	// plans keeps the last plan between cycles (plancache.go).
	plans planCache

	// recent holds the raw samples of direct windows by source id
	// (recent.go).
	recent map[string]*recentSamples
	// rawTiles lets one source at a time read the tiles its tails fall
	// in as raw samples: each read holds up to 70 minutes of its series'
	// samples at once (recent_tiles.go).
	rawTiles chan struct{}
}

// SetBlocked sets the SLOs that are not evaluated, by id, each with the
// reason: from the next cycle on, their state is StateError with that
// reason, and they send no queries. The data checks (package datacheck)
// block an SLO whose threshold is not a bucket boundary or whose selector
// matches nothing. nil unblocks every SLO. Safe to call while a cycle runs.
func (e *Evaluator) SetBlocked(reasons map[string]string) {
	e.blockedMu.Lock()
	defer e.blockedMu.Unlock()
	e.blocked = reasons
}

// split separates the SLOs to evaluate from the blocked ones.
func (e *Evaluator) split(slos []*slo.SLO) (run []*slo.SLO, blocked map[*slo.SLO]string) {
	e.blockedMu.Lock()
	defer e.blockedMu.Unlock()
	if len(e.blocked) == 0 {
		return slos, nil
	}
	blocked = map[*slo.SLO]string{}
	for _, s := range slos {
		if reason, ok := e.blocked[s.ID]; ok {
			blocked[s] = reason
			continue
		}
		run = append(run, s)
	}
	return run, blocked
}

// NewEvaluator returns an evaluator with no tiles yet; its first cycle
// builds them with range queries.
func NewEvaluator(opts Options) *Evaluator {
	return &Evaluator{opts: opts.withDefaults(), tiles: map[string]*tiles{}, recent: map[string]*recentSamples{}, history: historyStarts{starts: map[string]map[string]historyStart{}},
		rawTiles: make(chan struct{}, 1)}
}

// Result is the outcome of one evaluation cycle.
type Result struct {
	At       time.Time
	Statuses []Status
	// Queries counts the queries sent (instant and range); QueryErrors
	// those that failed.
	Queries, QueryErrors int
}

// answers holds what the sources returned: per source and window, the
// value of each key, or the error that query ended with.
type answers struct {
	mu     sync.Mutex
	values map[*source]map[time.Duration]map[string]float64
	errs   map[*source]error
}

func (a *answers) set(src *source, w time.Duration, vals map[string]float64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.values[src] == nil {
		a.values[src] = map[time.Duration]map[string]float64{}
	}
	a.values[src][w] = vals
}

func (a *answers) fail(src *source, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.errs[src] == nil {
		a.errs[src] = err
	}
}

// Evaluate runs one cycle at `at` for the given SLOs, and returns one status
// per SLO, in order. A failing query marks the SLOs that read it as
// StateError, and so does a latency threshold that is not a bucket boundary
// or a block set with SetBlocked; the others are evaluated as usual.
func (e *Evaluator) Evaluate(ctx context.Context, q Querier, slos []*slo.SLO, at time.Time) Result {
	run, blocked := e.split(slos)
	p := e.plans.get(run, at)
	cq := &countingQuerier{q: q}
	ans := &answers{values: map[*source]map[time.Duration]map[string]float64{}, errs: map[*source]error{}}

	var jobs []func()
	live := map[string]bool{}
	liveRecent := map[string]bool{}
	rules, raw := e.rawRules(ctx, q)
	for _, src := range p.sources {
		var direct []time.Duration
		var tiled []time.Duration
		for _, w := range src.windows {
			if e.opts.Exact || !src.counter() || w <= e.opts.DirectUpTo {
				direct = append(direct, w)
			} else {
				tiled = append(tiled, w)
			}
		}
		// A source with no tiles yet may answer its tiled windows with
		// increase() this once (Options.AnswerBeforeTiles).
		var cold []time.Duration
		if len(tiled) > 0 && e.coldStart(src) {
			cold, tiled = tiled, nil
			live[src.id] = true
		}
		// With raw reads, every direct window comes from the raw samples,
		// read once, and so does the head of the tiled ones.
		var recent *recentSamples
		var recentWindows []time.Duration
		if raw && src.counter() && len(direct) > 0 {
			liveRecent[src.id] = true
			recent, recentWindows, direct = e.recentFor(src, rules), direct, nil
			if len(tiled) == 0 {
				jobs = append(jobs, func() {
					if err := e.recentWindows(ctx, cq, src, recent, recentWindows, at, ans); err != nil {
						ans.fail(src, err)
					}
				})
			}
		}
		for _, w := range append(direct, cold...) {
			jobs = append(jobs, func() {
				vals, err := e.queryWindow(ctx, cq, src, w, at)
				if err != nil {
					ans.fail(src, err)
					return
				}
				ans.set(src, w, vals)
			})
		}
		if len(tiled) > 0 {
			live[src.id] = true
			t := e.tilesFor(src)
			jobs = append(jobs, func() {
				if recent != nil {
					if err := e.recentWindows(ctx, cq, src, recent, recentWindows, at, ans); err != nil {
						ans.fail(src, err)
						return
					}
				}
				if err := e.windowsFromTiles(ctx, cq, src, t, recent, tiled, at, ans); err != nil {
					ans.fail(src, err)
				}
			})
		}
	}
	jobs = append(jobs, e.historyJobs(ctx, cq, p, at)...)
	corrections, correctionJobs := e.correctionJobs(ctx, cq, p, at)
	jobs = append(jobs, correctionJobs...)
	runAll(jobs, e.opts.Parallelism)
	e.keepTerms(corrections, at)
	for id := range e.tiles {
		if !live[id] {
			delete(e.tiles, id) // no SLO reads it any more
		}
	}
	for id := range e.recent {
		if !liveRecent[id] {
			delete(e.recent, id)
		}
	}
	e.history.keep(p.sources)
	bySLO := make(map[*slo.SLO]Status, len(slos))
	for _, sp := range p.slos {
		st := status(sp, ans, corrections, at)
		if st.State != StateError && bucketMissing(sp, ans) {
			// Like a failed query: no numbers, no alerts.
			st = Status{SLO: sp.slo, At: at, State: StateError, Reason: missingBucket(ctx, cq, sp.slo, at).Error()}
		}
		e.applyCoverage(sp, &st, at)
		bySLO[sp.slo] = st
	}
	for s, reason := range blocked {
		bySLO[s] = Status{SLO: s, At: at, State: StateError, Reason: reason}
	}
	statuses := make([]Status, 0, len(slos))
	for _, s := range slos {
		statuses = append(statuses, bySLO[s])
	}
	return Result{At: at, Statuses: statuses, Queries: int(cq.n.Load()), QueryErrors: int(cq.failed.Load())}
}

// coldStart says whether a source's tiled windows are answered with
// increase() this cycle: with Options.AnswerBeforeTiles, when it has no
// tiles and was not answered so before. It marks the source answered.
func (e *Evaluator) coldStart(src *source) bool {
	t := e.tilesFor(src)
	if !e.opts.AnswerBeforeTiles || t.fine.count > 0 || t.coldAnswered {
		return false
	}
	t.coldAnswered = true
	return true
}

func (e *Evaluator) tilesFor(src *source) *tiles {
	t, ok := e.tiles[src.id]
	if !ok {
		t = newTiles(e.opts.FineTile, e.opts.CoarseTile)
		e.tiles[src.id] = t
	}
	return t
}

// queryWindow asks for a source's increase over [at − w, at].
func (e *Evaluator) queryWindow(ctx context.Context, q Querier, src *source, w time.Duration, at time.Time) (map[string]float64, error) {
	expr, err := src.query(w)
	if err != nil {
		return nil, fmt.Errorf("expand %q: %w", src.expr, err)
	}
	vec, err := q.Query(ctx, expr, at)
	if err != nil {
		return nil, err
	}
	return vectorValues(src, vec, expr)
}

// vectorValues turns an answer into values by key; several samples with one
// key (an expression that is not summed) are added up. A key whose samples
// are all NaN (0/0 in an expression) is present with a NaN value: the
// series exist, the number is unknown.
func vectorValues(src *source, vec model.Vector, expr string) (map[string]float64, error) {
	vals := make(map[string]float64, len(vec))
	for _, s := range vec {
		v := float64(s.Value)
		if math.IsInf(v, 0) {
			return nil, fmt.Errorf("query %q answered %v for %s", expr, v, s.Metric)
		}
		k := src.key(s.Metric)
		old, seen := vals[k]
		switch {
		case math.IsNaN(v) && !seen:
			vals[k] = v
		case math.IsNaN(v):
		case seen && !math.IsNaN(old):
			vals[k] = old + v
		default:
			vals[k] = v
		}
	}
	return vals, nil
}

// runAll runs jobs with at most n at a time and waits for them all.
func runAll(jobs []func(), n int) {
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			job()
		}()
	}
	wg.Wait()
}
