package burnrate

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// Corrections (slo.Correction) take the events inside them out of an SLO's
// numbers. The window counts are read as usual, queried or summed from
// tiles; for each window a correction overlaps, the increase of every
// source the SLO reads over each corrected span is a term of its own, and
// windowStatus subtracts the terms from the window's counts. A window that
// lies wholly inside corrections has no valid events, and is not missing
// data either. Terms over spans that ended before the settle time do not
// change any more and are kept from cycle to cycle.
//
// A raw SLI has no event counts: only its windows that lie wholly inside
// corrections are left out.

// termKey names one term: a source's increase over one span.
type termKey struct {
	src      string
	from, to int64
}

// correctedWindow is what corrections take out of one window of an SLO.
type correctedWindow struct {
	spans []slo.Interval
	// full is true when the spans cover the whole window.
	full bool
	// whole is set for a window queried directly with increase(), which
	// extrapolates: the window is then counted again as the exact
	// difference the terms are, so that subtracting them leaves exactly
	// the events outside the corrections.
	whole *slo.Interval
}

// correctionTerms are the corrections of one cycle: the corrected spans of
// each SLO's windows, and the terms queried for them.
type correctionTerms struct {
	windows map[*sloPlan]map[time.Duration]*correctedWindow
	mu      sync.Mutex
	values  map[termKey]map[string]float64
	errs    map[termKey]error
}

// window returns what corrections take out of an SLO's window; nil when
// no correction overlaps it (or t is nil).
func (t *correctionTerms) window(sp *sloPlan, w time.Duration) *correctedWindow {
	if t == nil {
		return nil
	}
	return t.windows[sp][w]
}

// subtract takes the events of r inside the window's corrected spans out
// of v, never below zero.
func (t *correctionTerms) subtract(cw *correctedWindow, r *ref, v float64) float64 {
	if cw == nil || math.IsNaN(v) {
		return v
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if cw.whole != nil && r.src.counter() {
		v = t.values[keyOf(r.src, *cw.whole)][r.key]
	}
	for _, iv := range cw.spans {
		v -= t.values[keyOf(r.src, iv)][r.key]
	}
	return math.Max(0, v)
}

func keyOf(src *source, iv slo.Interval) termKey {
	return termKey{src: src.id, from: iv.From.UnixMilli(), to: iv.To.UnixMilli()}
}

// correctionJobs finds the corrected spans of every window of the plan at
// `at` and returns the jobs that query the terms not kept from earlier
// cycles; keepTerms keeps them once the jobs have run.
func (e *Evaluator) correctionJobs(ctx context.Context, q Querier, p *plan, at time.Time) (*correctionTerms, []func()) {
	t := &correctionTerms{windows: map[*sloPlan]map[time.Duration]*correctedWindow{}, values: map[termKey]map[string]float64{}, errs: map[termKey]error{}}
	wanted := map[termKey]bool{}
	var jobs []func()
	for _, sp := range p.slos {
		if len(sp.slo.Corrections) == 0 {
			continue
		}
		for _, w := range sp.windows {
			spans := sp.slo.Corrections.Within(at.Add(-w), at)
			if len(spans) == 0 {
				continue
			}
			if t.windows[sp] == nil {
				t.windows[sp] = map[time.Duration]*correctedWindow{}
			}
			cw := &correctedWindow{spans: spans, full: len(spans) == 1 && spans[0].Length() >= w}
			t.windows[sp][w] = cw
			if cw.full || sp.ratio != nil {
				continue
			}
			for _, r := range sp.refs() {
				terms := spans
				if e.direct(r.src, w) && r.src.counter() {
					cw.whole = &slo.Interval{From: at.Add(-w), To: at}
					terms = append([]slo.Interval{*cw.whole}, spans...)
				}
				for _, iv := range terms {
					k := keyOf(r.src, iv)
					if wanted[k] {
						continue
					}
					wanted[k] = true
					if vals, ok := e.settledTerms[k]; ok {
						t.values[k] = vals
						continue
					}
					jobs = append(jobs, func() {
						vals, err := e.queryTerm(ctx, q, r.src, iv)
						if err != nil {
							t.fail(k, fmt.Errorf("events inside the correction %q (%s – %s): %w", iv.Reason,
								iv.From.UTC().Format(time.RFC3339), iv.To.UTC().Format(time.RFC3339), err))
							return
						}
						t.mu.Lock()
						defer t.mu.Unlock()
						t.values[k] = vals
					})
				}
			}
		}
	}
	return t, jobs
}

// direct says whether a window of a source is queried directly each cycle
// rather than summed from tiles (see Evaluate).
func (e *Evaluator) direct(src *source, w time.Duration) bool {
	return e.opts.Exact || !src.counter() || w <= e.opts.DirectUpTo
}

// fail records a failed term: the status of every SLO that reads it
// becomes an error, like a failed query of its own.
func (t *correctionTerms) fail(k termKey, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errs[k] = err
}

// err returns the error of a term an SLO reads, if one failed.
func (t *correctionTerms) err(sp *sloPlan) error {
	if t == nil || len(t.errs) == 0 {
		return nil
	}
	for _, cw := range t.windows[sp] {
		for _, iv := range cw.spans {
			for _, r := range sp.refs() {
				if err := t.errs[keyOf(r.src, iv)]; err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// keep keeps this cycle's terms over spans that ended before the settle
// time for the next cycles, and drops the kept terms no window wants any
// more.
func (e *Evaluator) keepTerms(t *correctionTerms, at time.Time) {
	settled := at.Add(-e.opts.Settle).UnixMilli()
	kept := map[termKey]map[string]float64{}
	for k, vals := range t.values {
		if k.to <= settled {
			kept[k] = vals
		}
	}
	e.settledTerms = kept
}

// queryTerm asks for a source's increase over a corrected span.
func (e *Evaluator) queryTerm(ctx context.Context, q Querier, src *source, iv slo.Interval) (map[string]float64, error) {
	length := iv.Length()
	expr := src.diffQuery(length, 0)
	if !src.counter() {
		var err error
		if expr, err = src.query(length); err != nil {
			return nil, fmt.Errorf("expand %q: %w", src.expr, err)
		}
	}
	vec, err := q.Query(ctx, expr, iv.To)
	if err != nil {
		return nil, err
	}
	return vectorValues(src, vec, expr)
}

// correctedStatus is the status of a window that lies wholly inside
// corrections: no valid events, and no missing data either.
func correctedStatus(sp *sloPlan, w time.Duration) WindowStatus {
	ws := WindowStatus{Window: w, Good: 0, Valid: 0, ErrorRatio: math.NaN(), BurnRate: math.NaN(), Corrected: w}
	if sp.ratio != nil {
		ws.Good, ws.Valid = math.NaN(), math.NaN()
	}
	return ws
}

// correctedLength is how much of a window corrections cover.
func (cw *correctedWindow) correctedLength() time.Duration {
	if cw == nil {
		return 0
	}
	var d time.Duration
	for _, iv := range cw.spans {
		d += iv.Length()
	}
	return d
}
