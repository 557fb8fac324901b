package alerting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sort"
	"sync"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// ManagerOptions configure a Manager.
type ManagerOptions struct {
	// Store keeps incidents, delivery records and the outbox (a Storage).
	Store IncidentStore
	// Router picks the receivers of each incident's trigger; the later
	// notifications of the incident follow its trigger.
	Router Router
	// Resend maps receivers that want firing alerts re-sent (Alertmanager)
	// to their interval.
	Resend map[string]time.Duration
	// Exemplars finds trace links; nil means none.
	Exemplars ExemplarQuerier
	// RepeatInterval is how often a firing incident is notified again
	// (default 4h).
	RepeatInterval time.Duration
	// FailingCycles is how many evaluation cycles in a row must fail before
	// an "evaluation failing" notification goes out (default 3).
	FailingCycles int
	// FailingSeverity is the severity of that notification (default ticket).
	FailingSeverity slo.Severity
	// NoDataAfter opens a no-data incident for an SLO whose queries have
	// found no data for this long (default 10m); a negative value disables
	// no-data incidents. Burn incidents are held open, never resolved,
	// while data is missing, whatever this is.
	NoDataAfter time.Duration
	// Retention is how long resolved incidents and their delivery records
	// are kept before they are pruned (default 30 days).
	Retention time.Duration
	// ExemplarTimeout bounds the exemplar lookups of one cycle (default
	// 2s): a slow or failing exemplar API never holds an alert back longer.
	ExemplarTimeout time.Duration
	// MaxTraces is the number of trace links per incident (default 5);
	// incidents that have them are not looked up again.
	MaxTraces int
	// DashboardURL returns the dashboard page of an SLO; nil means none.
	DashboardURL func(sloID string) string
	// Redact removes secrets from error texts before they are stored,
	// logged or sent; nil leaves them as they are.
	Redact func(string) string
	// Queued is called after notifications were committed to the outbox.
	Queued func()
	Logger *slog.Logger
}

func (o ManagerOptions) withDefaults() (ManagerOptions, error) {
	if o.Store == nil {
		return o, errors.New("alert manager needs a store")
	}
	lo := o.lifecycle().withDefaults()
	o.RepeatInterval, o.FailingCycles, o.FailingSeverity, o.NoDataAfter = lo.RepeatInterval, lo.FailingCycles, lo.FailingSeverity, lo.NoDataAfter
	if o.Retention <= 0 {
		o.Retention = 30 * 24 * time.Hour
	}
	if o.ExemplarTimeout <= 0 {
		o.ExemplarTimeout = 2 * time.Second
	}
	if o.MaxTraces <= 0 {
		o.MaxTraces = 5
	}
	if o.Redact == nil {
		o.Redact = func(s string) string { return s }
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Queued == nil {
		o.Queued = func() {}
	}
	return o, nil
}

// Manager runs the alert lifecycle: per SLO at most one burn incident
// (inactive → firing → resolved), with the page tier taking precedence over
// the ticket tier, repeats and resolves, no-data incidents, and one
// "evaluation failing" incident when evaluations keep failing. Each cycle
// is a pure lifecycle step followed by effects in order: exemplar lookup,
// composition, routing, and one commit to the store's outbox. The next
// state is adopted only after the commit, so memory always equals disk.
// Open incidents are restored from the store on start, so a restart never
// notifies twice for one incident nor forgets one.
type Manager struct {
	opts ManagerOptions

	// cycle serialises Process, one evaluation at a time; mu guards the
	// committed state that readers (Open, Incidents) see and the routing
	// that SetRouting replaces. mu is never held during I/O: readers never
	// wait for an exemplar lookup or a commit.
	cycle sync.Mutex
	mu    sync.RWMutex
	state state
	// resent is when each firing incident was last sent to each receiver
	// that wants resends.
	resent map[resendKey]time.Time
}

type resendKey struct {
	incident, receiver string
}

// IncidentStore is what the Manager keeps its state in; Store is the one
// burnwatch uses.
type IncidentStore interface {
	OpenIncidents() ([]*Incident, error)
	Commit(incidents []Incident, queue []*OutboxEntry) error
	Resolved(since time.Time, limit int) ([]Incident, error)
	Deliveries(incidentKeys ...string) (map[string][]Delivery, error)
	Prune(before time.Time) (int, error)
}

// NewManager restores the open incidents from the store.
func NewManager(opts ManagerOptions) (*Manager, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	open, err := opts.Store.OpenIncidents()
	if err != nil {
		return nil, fmt.Errorf("restore open incidents: %w", err)
	}
	m := &Manager{opts: opts, state: newState(), resent: map[resendKey]time.Time{}}
	for _, i := range open {
		m.state.open[i.openKey()] = *i
		// Missing data is counted from when it began, not from the restart.
		switch {
		case i.Kind == KindNoData:
			m.state.noDataSince[i.SLOID] = i.StartedAt
		case !i.NoDataSince.IsZero():
			if since, ok := m.state.noDataSince[i.SLOID]; !ok || i.NoDataSince.Before(since) {
				m.state.noDataSince[i.SLOID] = i.NoDataSince
			}
		}
	}
	return m, nil
}

// SetRouting replaces the routes and resend intervals after a reload.
func (m *Manager) SetRouting(r Router, resend map[string]time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.opts.Router, m.opts.Resend = r, resend
}

// Open returns the firing incidents as last committed, newest first.
func (m *Manager) Open() []Incident {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Incident, 0, len(m.state.open))
	for _, i := range m.state.open {
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].StartedAt.After(out[b].StartedAt) })
	return out
}

// Incidents returns the firing incidents (from memory) and those resolved
// at or after since (from the store's index by time), newest first, at most
// limit of them, each with its delivery records.
func (m *Manager) Incidents(since time.Time, limit int) ([]Incident, error) {
	out := m.Open()
	resolved, err := m.opts.Store.Resolved(since, limit)
	if err != nil {
		return nil, fmt.Errorf("list resolved incidents: %w", err)
	}
	out = append(out, resolved...)
	sort.SliceStable(out, func(a, b int) bool { return out[a].StartedAt.After(out[b].StartedAt) })
	if len(out) > limit {
		out = out[:limit]
	}
	keys := make([]string, len(out))
	for i := range out {
		keys[i] = out[i].Key
	}
	deliveries, err := m.opts.Store.Deliveries(keys...)
	if err != nil {
		return nil, fmt.Errorf("read delivery records: %w", err)
	}
	for i := range out {
		out[i].Deliveries = deliveries[out[i].Key]
	}
	return out, nil
}

// lifecycle is the part of the options that the lifecycle step reads.
func (o ManagerOptions) lifecycle() LifecycleOptions {
	return LifecycleOptions{RepeatInterval: o.RepeatInterval, FailingCycles: o.FailingCycles,
		FailingSeverity: o.FailingSeverity, NoDataAfter: o.NoDataAfter}
}

func (m *Manager) policy() policy {
	return m.opts.lifecycle().policy()
}

// Process turns one evaluation into incident changes and notifications,
// committed to the store in one transaction before anything is sent. When
// the commit fails, nothing changes: the next evaluation tries again.
//
// res must hold a Status for every loaded SLO (burnrate.Evaluator gives
// one to each, a failed one included): an SLO with an open incident and no
// Status was removed from the specs, and its incidents close with
// EndSLORemoved. A daemon that keeps its last good spec set when a reload
// fails therefore never closes incidents by accident.
func (m *Manager) Process(ctx context.Context, res burnrate.Result) error {
	m.cycle.Lock()
	defer m.cycle.Unlock()
	m.mu.RLock()
	prev, router, resend := m.state, m.opts.Router, m.opts.Resend
	m.mu.RUnlock()

	statuses := m.redacted(res.Statuses)
	next, changes := step(prev, statuses, m.policy(), res.At)
	changes = m.enrich(ctx, &next, changes, statuses, res.At)
	summarize(&next, changes, byID(statuses))
	c := &cycleEffects{at: res.At, statuses: byID(statuses), prev: prev, router: router, resend: resend,
		resent: maps.Clone(m.resent), routed: map[string][]string{}}
	m.route(c, &next, changes)

	incidents := changedIncidents(next, changes)
	if len(incidents) > 0 || len(c.queue) > 0 {
		if err := m.opts.Store.Commit(incidents, c.queue); err != nil {
			return fmt.Errorf("commit alert changes of the evaluation at %s: %w", res.At.Format(time.RFC3339), err)
		}
	}
	m.mu.Lock()
	m.state, m.resent = next, c.resent
	m.mu.Unlock()
	if len(c.queue) > 0 {
		m.opts.Queued()
	}
	if n, err := m.opts.Store.Prune(res.At.Add(-m.opts.Retention)); err != nil {
		m.opts.Logger.Error("prune resolved incidents", "err", m.opts.Redact(err.Error()))
	} else if n > 0 {
		m.opts.Logger.Info("pruned resolved incidents past their retention", "incidents", n, "retention", m.opts.Retention)
	}
	return nil
}

// redacted copies statuses with secrets removed from their reasons, which
// end up in incidents and notifications.
func (m *Manager) redacted(statuses []burnrate.Status) []burnrate.Status {
	out := make([]burnrate.Status, len(statuses))
	for i, st := range statuses {
		st.Reason = m.opts.Redact(st.Reason)
		out[i] = st
	}
	return out
}

// changedIncidents are the incidents a cycle commits: every open one (their
// windows, traces and hold move every cycle) and those it resolved.
func changedIncidents(next state, changes []transition) []Incident {
	out := make([]Incident, 0, len(next.open)+len(changes))
	for _, inc := range next.open {
		out = append(out, inc)
	}
	for _, t := range changes {
		if t.incident.State == IncidentResolved {
			out = append(out, t.incident)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Key < out[b].Key })
	return out
}

func byID(statuses []burnrate.Status) map[string]*burnrate.Status {
	out := make(map[string]*burnrate.Status, len(statuses))
	for i := range statuses {
		out[statuses[i].SLO.ID] = &statuses[i]
	}
	return out
}
