package daemon

import (
	"context"
	"slices"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/web"
)

// loop evaluates at every multiple of the evaluation interval, like a
// Prometheus rule group: the evaluation time is the scheduled instant, not
// whenever the goroutine woke. Cycles that could not start on time because
// the previous one overran are skipped and counted.
func (d *Daemon) loop(ctx context.Context) {
	checks := &dataChecks{}
	for {
		checks.start(ctx, d)
		interval := d.interval()
		next := nextCycle(time.Now(), interval)
		if !sleepUntil(ctx, next) {
			return
		}
		d.Evaluate(ctx, next)
		if missed := missedCycles(next, time.Now(), interval); missed > 0 {
			d.metrics.missed.Add(float64(missed))
			d.log.Warn("evaluation overran its interval; cycles skipped", "missed", missed, "took", time.Since(next).Round(time.Millisecond))
		}
	}
}

// nextCycle is the first multiple of the interval after now.
func nextCycle(now time.Time, interval time.Duration) time.Time {
	return now.Truncate(interval).Add(interval)
}

// missedCycles is how many scheduled instants a cycle that was due at
// scheduled and ended at finished has run over: the multiples of the
// interval after scheduled, up to finished included, which nextCycle then
// skips.
func missedCycles(scheduled, finished time.Time, interval time.Duration) int {
	if finished.Before(scheduled) {
		return 0
	}
	return int(nextCycle(finished, interval).Sub(scheduled)/interval) - 1
}

func (d *Daemon) interval() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return time.Duration(d.cfg.EvaluationInterval)
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// Evaluate runs one cycle at `at`: evaluate every SLO, update alerts, and
// publish the dashboard's snapshot. The demo and tests call it on simulated
// time; Run calls it on schedule.
func (d *Daemon) Evaluate(ctx context.Context, at time.Time) burnrate.Result {
	d.cycle.Lock()
	defer d.cycle.Unlock()
	d.mu.Lock()
	slos, q, ev, manager := d.slos, d.querier, d.evaluator, d.manager
	d.mu.Unlock()

	// No deadline for the whole cycle: each query has its own timeout, and
	// a cycle that overruns (the first one builds the tiles of the long
	// windows with range queries) makes the loop skip and count the cycles
	// it missed, as a Prometheus rule group does. Cancelling it instead
	// would throw the tiles away and fail the same way every cycle.
	// The tiles are written after everything else the cycle does, its
	// measured duration included.
	defer func() {
		if d.tileState.due(at) {
			d.tileState.save(d, ev, at)
		}
	}()
	start := time.Now()
	// Grouped SLOs become one SLO per group before the evaluator sees them.
	slos = d.groups.Expand(ctx, q, slos, at)
	res := ev.Evaluate(ctx, q, slos, at)
	// The cycle's duration covers the alert lifecycle and the snapshot too:
	// what delays an alert is everything a cycle does.
	defer func() { d.metrics.observeCycle(res, time.Since(start)) }()
	incidents := d.alert(ctx, manager, res)
	snap := &web.Snapshot{At: at, Statuses: slices.Clone(res.Statuses), Incidents: incidents}
	redactSnapshot(d.redactor, snap)
	d.snapshot.Store(snap)
	go d.metrics.slos.prepare()
	go d.handler.prepareDashboard()
	d.sendReports(ctx, snap)
	if res.Queries > 0 && res.QueryErrors == res.Queries {
		d.failedCycles.Add(1)
	} else {
		d.failedCycles.Store(0)
		d.beat(ctx)
	}
	d.ready.Store(true)
	return res
}
