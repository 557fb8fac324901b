package alerting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// ManagerOptions configure a Manager.
type ManagerOptions struct {
	Store  *Store
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
	FailingSeverity string
	// NoDataAfter opens a no-data incident for an SLO whose queries find no
	// valid events for this long; zero disables no-data alerts.
	NoDataAfter time.Duration
	// ExemplarTimeout bounds the exemplar lookup of one cycle (default 2s):
	// a slow or failing exemplar API never holds an alert back longer.
	ExemplarTimeout time.Duration
	// MaxTraces is the number of trace links per notification (default 5).
	MaxTraces int
	// DashboardURL returns the dashboard page of an SLO; nil means none.
	DashboardURL func(sloID string) string
	// Queued is called after notifications were committed to the outbox.
	Queued func()
	Logger *slog.Logger
}

func (o ManagerOptions) withDefaults() (ManagerOptions, error) {
	if o.Store == nil {
		return o, errors.New("alert manager needs a store")
	}
	if o.RepeatInterval <= 0 {
		o.RepeatInterval = 4 * time.Hour
	}
	if o.FailingCycles <= 0 {
		o.FailingCycles = 3
	}
	if o.FailingSeverity == "" {
		o.FailingSeverity = string(slo.Ticket)
	}
	if o.ExemplarTimeout <= 0 {
		o.ExemplarTimeout = 2 * time.Second
	}
	if o.MaxTraces <= 0 {
		o.MaxTraces = 5
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
// "evaluation failing" incident when evaluations keep failing. Open
// incidents live in the store and are restored on start, so a restart never
// notifies twice for one incident nor forgets one.
type Manager struct {
	opts ManagerOptions

	mu   sync.Mutex
	open map[string]*Incident // by openKey
	// failing counts the consecutive failed cycles of each SLO, with the
	// last reason; noData says since when an SLO has had no data.
	failing     map[string]int
	failReason  map[string]string
	noDataSince map[string]time.Time
	lastResend  map[string]time.Time // incident key \x00 receiver
	// slos are the SLOs seen, by id: routes and resolves of SLOs that were
	// removed by a reload still need their team, service and labels.
	slos map[string]*slo.SLO
}

// failingKey is the SLO id under which the evaluation-failing incident,
// which is about the whole daemon, is kept.
const failingKey = ""

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
	m := &Manager{
		opts: opts, open: map[string]*Incident{}, failing: map[string]int{},
		failReason: map[string]string{}, noDataSince: map[string]time.Time{}, lastResend: map[string]time.Time{},
		slos: map[string]*slo.SLO{},
	}
	for _, i := range open {
		m.open[string(openKey(i.SLOID, i.Kind))] = i
	}
	return m, nil
}

// SetRouting replaces the routes and resend intervals after a reload.
func (m *Manager) SetRouting(r Router, resend map[string]time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.opts.Router, m.opts.Resend = r, resend
}

// Open returns the firing incidents.
func (m *Manager) Open() []Incident {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Incident, 0, len(m.open))
	for _, i := range m.open {
		out = append(out, *i)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].StartedAt.After(out[b].StartedAt) })
	return out
}

// cycle collects the changes of one evaluation before they are committed.
type cycle struct {
	at       time.Time
	changed  []*Incident
	queue    []*OutboxEntry
	traceFor []*pendingNote // notifications that want trace links
}

type pendingNote struct {
	inc    *Incident
	st     *burnrate.Status
	status Status
	repeat bool
	// receivers limits the notification to these (a resend); nil = routed.
	receivers []string
}

// Process turns one evaluation into incident changes and notifications,
// committed to the store in one transaction before anything is sent.
func (m *Manager) Process(ctx context.Context, res burnrate.Result) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := &cycle{at: res.At}
	seen := map[string]bool{}
	for i := range res.Statuses {
		st := &res.Statuses[i]
		seen[st.SLO.ID] = true
		m.slos[st.SLO.ID] = st.SLO
		if st.State == burnrate.StateError {
			m.failing[st.SLO.ID]++
			m.failReason[st.SLO.ID] = st.Reason
			continue // an unknown burn changes nothing
		}
		delete(m.failing, st.SLO.ID)
		delete(m.failReason, st.SLO.ID)
		m.burn(c, st)
		m.noData(c, st)
	}
	m.forgetRemoved(c, seen)
	m.evaluationFailing(c)
	m.addTraces(ctx, c)
	for _, p := range c.traceFor {
		m.enqueue(c, p)
	}
	if len(c.changed) == 0 && len(c.queue) == 0 {
		return nil
	}
	if err := m.opts.Store.Commit(c.changed, c.queue); err != nil {
		return fmt.Errorf("commit alert changes of the evaluation at %s: %w", res.At.Format(time.RFC3339), err)
	}
	for _, inc := range c.changed {
		key := string(openKey(inc.SLOID, inc.Kind))
		if inc.State == IncidentFiring {
			m.open[key] = inc
		} else if m.open[key] != nil && m.open[key].Key == inc.Key {
			delete(m.open, key)
		}
	}
	if len(c.queue) > 0 {
		m.opts.Queued()
	}
	return nil
}

// burn moves an SLO's burn incident along: open, repeat, escalate or
// de-escalate (resolve one tier, open the other), resolve.
func (m *Manager) burn(c *cycle, st *burnrate.Status) {
	want := string(st.Firing())
	cur := m.open[string(openKey(st.SLO.ID, KindBurn))]
	switch {
	case cur == nil && want == "":
		return
	case cur != nil && cur.Severity == want:
		cur.Windows = tierWindows(st, want)
		if c.at.Sub(cur.LastNotifiedAt) >= m.opts.RepeatInterval {
			m.note(c, cur, st, Firing, true)
		} else {
			m.resend(c, cur, st)
		}
		return
	}
	if cur != nil {
		m.resolve(c, cur, st)
	}
	if want != "" {
		inc := m.newIncident(st.SLO.ID, KindBurn, want, c.at)
		inc.Windows = tierWindows(st, want)
		m.note(c, inc, st, Firing, false)
	}
}

// noData opens a no-data incident for an SLO that has had no valid events
// for NoDataAfter, and resolves it when data comes back.
func (m *Manager) noData(c *cycle, st *burnrate.Status) {
	if m.opts.NoDataAfter <= 0 {
		return
	}
	id := st.SLO.ID
	cur := m.open[string(openKey(id, KindNoData))]
	if st.State != burnrate.StateNoData {
		delete(m.noDataSince, id)
		if cur != nil {
			m.resolve(c, cur, st)
		}
		return
	}
	since, ok := m.noDataSince[id]
	if !ok {
		since = c.at
		m.noDataSince[id] = since
	}
	if cur == nil && c.at.Sub(since) >= m.opts.NoDataAfter {
		inc := m.newIncident(id, KindNoData, string(slo.Ticket), since)
		m.note(c, inc, st, Firing, false)
	}
}

// forgetRemoved resolves the incidents of SLOs that are no longer loaded.
func (m *Manager) forgetRemoved(c *cycle, seen map[string]bool) {
	for _, inc := range m.open {
		if inc.SLOID != failingKey && !seen[inc.SLOID] {
			m.resolve(c, inc, nil)
		}
	}
	for id := range m.failing {
		if !seen[id] {
			delete(m.failing, id)
			delete(m.failReason, id)
		}
	}
}

// evaluationFailing opens one incident when SLOs have failed to evaluate for
// FailingCycles cycles in a row, and resolves it when they evaluate again.
func (m *Manager) evaluationFailing(c *cycle) {
	var ids []string
	for id, n := range m.failing {
		if n >= m.opts.FailingCycles {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	cur := m.open[string(openKey(failingKey, KindEvaluationFailing))]
	switch {
	case len(ids) > 0 && cur == nil:
		inc := m.newIncident(failingKey, KindEvaluationFailing, m.opts.FailingSeverity, c.at)
		inc.Summary = failingSummary(ids, m.failReason[ids[0]], m.opts.FailingCycles)
		m.note(c, inc, nil, Firing, false)
	case len(ids) == 0 && cur != nil:
		m.resolve(c, cur, nil)
	case cur != nil:
		cur.Summary = failingSummary(ids, m.failReason[ids[0]], m.opts.FailingCycles)
		if c.at.Sub(cur.LastNotifiedAt) >= m.opts.RepeatInterval {
			m.note(c, cur, nil, Firing, true)
		}
	}
}

func failingSummary(ids []string, reason string, cycles int) string {
	return fmt.Sprintf("%d SLOs could not be evaluated for %d cycles or more (%s…): %s",
		len(ids), cycles, strings.Join(ids[:min(3, len(ids))], ", "), reason)
}

func (m *Manager) newIncident(sloID string, kind Kind, severity string, at time.Time) *Incident {
	key := fmt.Sprintf("%s/%s/%s/%d", sloID, kind, severity, at.Unix())
	if sloID == failingKey {
		key = fmt.Sprintf("burnwatch/%s/%d", kind, at.Unix())
	}
	return &Incident{Key: key, SLOID: sloID, Kind: kind, Severity: severity, State: IncidentFiring, StartedAt: at}
}

func (m *Manager) resolve(c *cycle, inc *Incident, st *burnrate.Status) {
	inc.State = IncidentResolved
	inc.ResolvedAt = c.at
	m.note(c, inc, st, Resolved, false)
}

// note marks an incident changed and asks for a notification about it.
func (m *Manager) note(c *cycle, inc *Incident, st *burnrate.Status, status Status, repeat bool) {
	inc.LastNotifiedAt = c.at
	c.changed = append(c.changed, inc)
	c.traceFor = append(c.traceFor, &pendingNote{inc: inc, st: st, status: status, repeat: repeat})
}

// resend re-sends a firing incident to the receivers that want it (an
// Alertmanager expires alerts that are not re-sent).
func (m *Manager) resend(c *cycle, inc *Incident, st *burnrate.Status) {
	var due []string
	for _, r := range m.route(inc) {
		every, ok := m.opts.Resend[r]
		if !ok {
			continue
		}
		k := inc.Key + "\x00" + r
		last, seen := m.lastResend[k]
		if !seen {
			last = inc.LastNotifiedAt
		}
		if c.at.Sub(last) >= every {
			due = append(due, r)
		}
	}
	if len(due) > 0 {
		c.traceFor = append(c.traceFor, &pendingNote{inc: inc, st: st, status: Firing, repeat: true, receivers: due})
	}
}

func (m *Manager) route(inc *Incident) []string {
	var s *slo.SLO
	if inc.SLOID != failingKey {
		s = m.sloOf(inc)
	}
	return m.opts.Router.Receivers(s, inc.Severity, inc.Kind)
}

// sloOf finds the SLO of an incident among the SLOs the incident's last
// notification was built from; routes need its team, service and labels.
func (m *Manager) sloOf(inc *Incident) *slo.SLO { return m.slos[inc.SLOID] }

// addTraces looks up trace links for new and repeated firing notifications,
// all at once, bounded by ExemplarTimeout.
func (m *Manager) addTraces(ctx context.Context, c *cycle) {
	if m.opts.Exemplars == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, m.opts.ExemplarTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, p := range c.traceFor {
		if p.status != Firing || p.st == nil || p.receivers != nil || len(p.inc.Windows) == 0 {
			continue
		}
		w := p.inc.Windows[0]
		short, long := parseWindow(w.Short), parseWindow(w.Long)
		wg.Add(1)
		go func() {
			defer wg.Done()
			traces, err := FindTraces(ctx, m.opts.Exemplars, p.st.SLO, []time.Duration{short, long}, c.at, m.opts.MaxTraces)
			if err != nil {
				m.opts.Logger.Warn("exemplar lookup failed; alerting without trace links", "slo", p.st.SLO.ID, "err", err)
			}
			if len(traces) > 0 {
				p.inc.Traces = traces
			}
		}()
	}
	wg.Wait()
}

// enqueue builds a notification and queues it for each receiver.
func (m *Manager) enqueue(c *cycle, p *pendingNote) {
	n := m.notification(p, c.at)
	receivers := p.receivers
	if receivers == nil {
		receivers = m.route(p.inc)
	}
	if len(receivers) == 0 {
		m.opts.Logger.Warn("no receiver for notification; it is only recorded", "incident", p.inc.Key, "severity", p.inc.Severity)
	}
	for _, r := range receivers {
		c.queue = append(c.queue, &OutboxEntry{Receiver: r, Notification: n, NextAttempt: c.at})
		p.inc.Deliveries = append(p.inc.Deliveries, Delivery{
			NotificationID: n.ID, Receiver: r, Status: n.Status, Repeat: n.Repeat, State: DeliveryPending, QueuedAt: c.at,
		})
		m.lastResend[p.inc.Key+"\x00"+r] = c.at
	}
	if p.receivers != nil && !containsIncident(c.changed, p.inc) {
		c.changed = append(c.changed, p.inc) // record the resend's deliveries
	}
}

func containsIncident(list []*Incident, inc *Incident) bool {
	for _, i := range list {
		if i == inc {
			return true
		}
	}
	return false
}
