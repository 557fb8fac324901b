package backtest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// DefaultStep is the distance between replayed evaluations unless told
// otherwise: the daemon's default evaluation interval.
const DefaultStep = 30 * time.Second

// Options say what to replay, over what and how.
type Options struct {
	SLOs    []*slo.SLO
	Querier burnrate.Querier
	// From and To bound the replay; evaluations run at every multiple of
	// Step in [From, To], aligned like the daemon's.
	From, To time.Time
	// Step is the distance between evaluations (default DefaultStep): the
	// evaluation interval, or a coarser step that costs less and fires up
	// to a step later.
	Step time.Duration
	// Evaluator and Lifecycle are the engine's settings; the zero values
	// are the daemon's defaults.
	Evaluator burnrate.Options
	Lifecycle alerting.LifecycleOptions
	// NoPrefetch sends every query of every evaluation to Querier, as the
	// daemon does, instead of answering them from range queries.
	NoPrefetch bool
	// MaxPoints bounds the points of one prefetching range query (default
	// DefaultMaxPoints).
	MaxPoints int
}

// Report is the outcome of a replay.
type Report struct {
	From, To time.Time
	Step     time.Duration
	// Evaluations is how many evaluation cycles ran.
	Evaluations int
	SLOs        []SLOReport
	// Queries are the queries sent to the Prometheus-compatible engine.
	Queries PrefetchStats
}

// SLOReport is what one SLO's policy would have done over the range.
type SLOReport struct {
	ID        string
	Objective float64 // in percent, as the spec wrote it
	Period    string
	// Alerts are the pages and tickets, oldest first: burn alerts, and
	// the budget exhaustion and budget spent alerts the SLO asks for.
	Alerts []Alert
	// FiringPage and FiringTicket are the time burn alerts spent firing
	// at each tier.
	FiringPage, FiringTicket time.Duration
	// BudgetConsumed is the share of the period's error budget burnt over
	// the range (1 is the whole budget).
	BudgetConsumed float64
	// NoData are the spans without data (no series for an alert window, or
	// no valid events over the period); Unevaluated those where a query
	// failed or the SLO was blocked. Alerts are held through both.
	NoData, Unevaluated []Span
}

// Alert is one page or ticket the policy would have raised.
type Alert struct {
	// Kind is alerting.KindBurn, KindExhaustion or KindBudgetSpent.
	Kind     alerting.Kind
	Severity slo.Severity
	// Start is the first evaluation that fired; End the first that did
	// not, zero when it was still firing at the end of the range.
	Start, End time.Time
	// EndReason says why it ended: recovered, or escalated to a page.
	EndReason alerting.EndReason
	// PeakBurn is the highest burn rate while it fired: for a burn alert
	// the long-window one among the tier's firing rules, for a budget
	// exhaustion alert the one over its window; none for budget spent.
	PeakBurn float64
	// BudgetConsumed is the share of the period's error budget burnt while
	// it fired.
	BudgetConsumed float64
}

// Firing is how long an alert fired, until to when it had not ended.
func (a Alert) Firing(to time.Time) time.Duration {
	if a.End.IsZero() {
		return to.Sub(a.Start)
	}
	return a.End.Sub(a.Start)
}

// Span is a stretch of evaluations in one condition: [From, To), To being
// the first evaluation out of it, or the end of the range.
type Span struct {
	From, To time.Time
	Reason   string
}

// Run replays opts.SLOs over [From, To] and reports per SLO.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if opts.Step <= 0 {
		opts.Step = DefaultStep
	}
	if opts.Querier == nil {
		return nil, errors.New("backtest: no querier")
	}
	first := opts.From.Truncate(opts.Step)
	if first.Before(opts.From) {
		first = first.Add(opts.Step)
	}
	if first.After(opts.To) {
		return nil, fmt.Errorf("backtest: no evaluation instant in [%s, %s] at step %s",
			opts.From.Format(time.RFC3339), opts.To.Format(time.RFC3339), opts.Step)
	}
	prefetch := NewPrefetch(opts.Querier, first, opts.To, opts.MaxPoints)
	counted := &countingQuerier{Querier: opts.Querier}
	var q burnrate.Querier = prefetch
	if opts.NoPrefetch {
		q = counted
	}
	ev := burnrate.NewEvaluator(opts.Evaluator)
	lc := alerting.NewLifecycle(opts.Lifecycle)
	acc := newAccounts(opts.SLOs, opts.Step)
	rep := &Report{From: first, To: opts.To, Step: opts.Step}
	for at := first; !at.After(opts.To); at = at.Add(opts.Step) {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("backtest: stopped at %s: %w", at.Format(time.RFC3339), err)
		}
		res := ev.Evaluate(ctx, q, opts.SLOs, at)
		acc.evaluated(res, lc.Step(res.Statuses, at))
		rep.Evaluations++
	}
	rep.SLOs = acc.reports(opts.To)
	if opts.NoPrefetch {
		rep.Queries = PrefetchStats{InstantQueries: counted.instants.Load(), RangeQueries: counted.ranges.Load()}
	} else {
		rep.Queries = prefetch.Stats()
	}
	return rep, nil
}
