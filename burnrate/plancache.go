package burnrate

import (
	"slices"
	"sync"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// planCache keeps the last plan an Evaluator made. A plan depends only on
// the SLOs and on each one's period window at the cycle's instant, which is
// the same every cycle for a rolling period: a cycle over the same SLOs
// with the same period windows reuses it instead of planning again. A set
// with a calendar period, whose window grows every cycle, plans each time.
// Plans are not changed once made, so cycles may share one.
type planCache struct {
	mu      sync.Mutex
	slos    []*slo.SLO
	periods []time.Duration
	plan    *plan
}

// get returns the plan for slos at `at`, made now or reused.
func (c *planCache) get(slos []*slo.SLO, at time.Time) *plan {
	periods := make([]time.Duration, len(slos))
	for i, s := range slos {
		periods[i] = periodWindow(s, at)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.plan != nil && slices.Equal(c.slos, slos) && slices.Equal(c.periods, periods) {
		return c.plan
	}
	c.plan, c.slos, c.periods = makePlan(slos, at), slices.Clone(slos), periods
	return c.plan
}
