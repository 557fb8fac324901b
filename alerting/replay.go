package alerting

import (
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// LifecycleOptions are the settings of the alert lifecycle that decide
// when incidents open and resolve; ManagerOptions carries the same ones for
// the daemon. The zero value is the daemon's default.
type LifecycleOptions struct {
	// RepeatInterval is how often a firing incident is notified again
	// (default 4h).
	RepeatInterval time.Duration
	// FailingCycles failed evaluations in a row open the evaluation-failing
	// incident (default 3), at FailingSeverity (default ticket).
	FailingCycles   int
	FailingSeverity slo.Severity
	// NoDataAfter opens a no-data incident for an SLO without data for this
	// long (default 10m); a negative value never does.
	NoDataAfter time.Duration
}

func (o LifecycleOptions) withDefaults() LifecycleOptions {
	if o.RepeatInterval <= 0 {
		o.RepeatInterval = 4 * time.Hour
	}
	if o.FailingCycles <= 0 {
		o.FailingCycles = 3
	}
	if o.FailingSeverity == "" {
		o.FailingSeverity = slo.Ticket
	}
	if o.NoDataAfter == 0 {
		o.NoDataAfter = 10 * time.Minute
	}
	return o
}

func (o LifecycleOptions) policy() policy {
	return policy{repeat: o.RepeatInterval, failingCycles: o.FailingCycles,
		failingSeverity: o.FailingSeverity, noDataAfter: o.NoDataAfter}
}

// Lifecycle is the Manager's alert lifecycle without its effects: no
// exemplars, routing, outbox or store. It opens, escalates and resolves
// incidents from evaluations exactly as the Manager does, so that a replay
// of history (burnwatch backtest) pages where the daemon would have. It is
// not safe for concurrent use.
type Lifecycle struct {
	policy policy
	state  state
}

// NewLifecycle returns a lifecycle with no open incident.
func NewLifecycle(opts LifecycleOptions) *Lifecycle {
	return &Lifecycle{policy: opts.withDefaults().policy(), state: newState()}
}

// Step moves the incidents along for the evaluation of statuses at `at`
// and returns the incidents that opened or resolved at it, in the order
// the Manager would notify them; repeats are left out.
func (l *Lifecycle) Step(statuses []burnrate.Status, at time.Time) []Incident {
	next, changes := step(l.state, statuses, l.policy, at)
	l.state = next
	var out []Incident
	for _, t := range changes {
		if !t.repeat {
			out = append(out, t.incident)
		}
	}
	return out
}
