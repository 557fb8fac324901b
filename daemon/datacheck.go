package daemon

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/burnwatch/burnwatch/datacheck"
	"github.com/burnwatch/burnwatch/slo"
)

// The daemon checks its SLOs against the data (package datacheck) when it
// starts and after every reload: an SLO whose threshold is not a bucket
// boundary, or whose selector matches nothing, is blocked in the evaluator
// with the reason, so that its state is "error" instead of a page; the
// others are evaluated as usual. A check that could not run (Prometheus
// unreachable) blocks nothing and is tried again before the next cycle.

// dataCheckTimeout bounds one run of the checks over every SLO.
const dataCheckTimeout = 2 * time.Minute

// CheckData checks the loaded SLOs against what the querier holds over the
// hour before at, logs what it finds, and blocks the SLOs with errors from
// the next evaluation on. It returns the results, and
// whether every check ran.
func (d *Daemon) CheckData(ctx context.Context, at time.Time) ([]datacheck.Result, bool) {
	d.mu.Lock()
	slos, q := d.slos, d.querier
	d.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, dataCheckTimeout)
	defer cancel()
	results := datacheck.Check(ctx, q, slos, at, datacheck.Options{})
	complete := true
	for _, r := range results {
		if r.Err != nil {
			complete = false
			d.log.Warn("cannot check SLO against the data; it is evaluated unchecked", "slo", r.SLO.ID, "err", r.Err)
		}
		for _, msg := range r.Errors() {
			d.log.Error("SLO does not fit the data; its state is error until fixed", "slo", r.SLO.ID, "team", r.SLO.Team, "reason", msg)
		}
		for _, msg := range r.Warnings() {
			d.log.Warn("SLO data check", "slo", r.SLO.ID, "team", r.SLO.Team, "warning", msg)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !sameSLOs(d.slos, slos) {
		// A reload came in meanwhile; its own check decides.
		return results, false
	}
	d.evaluator.SetBlocked(datacheck.Blocked(results))
	return results, complete
}

// sameSLOs says whether two loads are the same set: a reload makes new SLOs.
func sameSLOs(a, b []*slo.SLO) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// recheckBlocked is how often the checks run again while they block an
// SLO: a selector that matched nothing at start (a service not deployed
// yet) may match now.
const recheckBlocked = 10 * time.Minute

// dataChecks runs CheckData from the evaluation loop, in the background:
// once for each loaded SLO set, again while a run was incomplete, and every
// recheckBlocked while an SLO is blocked.
type dataChecks struct {
	running   atomic.Bool
	mu        sync.Mutex
	checked   []*slo.SLO
	checkedAt time.Time
	blocking  bool
}

// start begins a run when one is due and none is under way.
func (c *dataChecks) start(ctx context.Context, d *Daemon) {
	d.mu.Lock()
	slos := d.slos
	d.mu.Unlock()
	c.mu.Lock()
	done := c.checked != nil && sameSLOs(c.checked, slos) && (!c.blocking || time.Since(c.checkedAt) < recheckBlocked)
	c.mu.Unlock()
	if done || !c.running.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer c.running.Store(false)
		results, complete := d.CheckData(ctx, time.Now())
		if complete {
			c.mu.Lock()
			c.checked, c.checkedAt, c.blocking = slos, time.Now(), len(datacheck.Blocked(results)) > 0
			c.mu.Unlock()
		}
	}()
}
