package alerting

// This file holds the effects that follow a lifecycle step, in the order
// Process runs them: enrich (trace links from exemplars, looked up outside
// any lock and bounded by a timeout), then compose and route each
// notification into the outbox entries that the commit writes.

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// lookup is the outcome of one incident's exemplar lookup.
type lookup struct {
	key    openKey
	traces []TraceLink
	err    error
}

// enrich looks up trace links for the open burn incidents and attaches
// them.
func (m *Manager) enrich(ctx context.Context, next *state, changes []transition, statuses []burnrate.Status, now time.Time) []transition {
	sts := byID(statuses)
	return m.attachTraces(next, changes, sts, m.lookupTraces(ctx, *next, sts, now))
}

// lookupTraces looks up trace links for every open burn incident that has
// fewer than MaxTraces, over the incident's span (from its tier's short
// window before it began until now), all in parallel within
// ExemplarTimeout.
func (m *Manager) lookupTraces(ctx context.Context, next state, sts map[string]*burnrate.Status, now time.Time) []lookup {
	var wanted []openKey
	for k, inc := range next.open {
		if k.Kind == KindBurn && len(inc.Traces) < m.opts.MaxTraces && sts[k.SLO] != nil {
			wanted = append(wanted, k)
		}
	}
	slices.SortFunc(wanted, func(a, b openKey) int { return cmp.Compare(a.SLO, b.SLO) })
	results := make([]lookup, len(wanted))
	for i, k := range wanted {
		results[i] = lookup{key: k}
	}
	if m.opts.Exemplars == nil || len(wanted) == 0 {
		return results
	}
	ctx, cancel := context.WithTimeout(ctx, m.opts.ExemplarTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for i, k := range wanted {
		st, inc := sts[k.SLO], next.open[k]
		from := inc.StartedAt.Add(-shortestWindow(st, inc.Severity))
		wg.Go(func() {
			results[i].traces, results[i].err = findTraces(ctx, m.opts.Exemplars, st.SLO, from, now, m.opts.MaxTraces)
		})
	}
	wg.Wait()
	return results
}

// attachTraces adds what the lookups found to the incidents, and to the
// notifications about them. An incident whose trigger went out without
// links gets one Updated notification when its first links appear; one
// without links says why in its TracesNote.
func (m *Manager) attachTraces(next *state, changes []transition, sts map[string]*burnrate.Status, results []lookup) []transition {
	triggered := map[openKey]bool{}
	for _, t := range changes {
		if t.status == Firing && !t.repeat {
			triggered[t.incident.openKey()] = true
		}
	}
	for _, r := range results {
		inc := next.open[r.key]
		hadLinks, note := len(inc.Traces) > 0, inc.TracesNote
		inc.Traces = mergeTraces(inc.Traces, r.traces, m.opts.MaxTraces)
		inc.TracesNote = ""
		switch {
		case len(inc.Traces) > 0:
		case m.opts.Exemplars == nil:
			inc.TracesNote = "exemplar lookup is turned off"
		default:
			inc.TracesNote = m.opts.Redact(noTracesNote(sts[r.key.SLO].SLO, r.err))
		}
		if r.err != nil && inc.TracesNote != note {
			m.opts.Logger.Warn("exemplar lookup failed; the incident goes on without new trace links",
				"slo", r.key.SLO, "incident", inc.Key, "err", m.opts.Redact(r.err.Error()))
		}
		switch {
		case triggered[r.key]:
			inc.LinksNotified = len(inc.Traces) > 0
			if len(inc.Traces) == 0 {
				m.opts.Logger.Info("no trace link for the new incident yet; looking again every cycle",
					"slo", r.key.SLO, "incident", inc.Key, "why", inc.TracesNote)
			}
		case !hadLinks && len(inc.Traces) > 0 && !inc.LinksNotified:
			inc.LinksNotified = true
			changes = append(changes, transition{incident: inc, status: Updated})
			m.opts.Logger.Info("trace links found after the trigger; sending an update",
				"slo", r.key.SLO, "incident", inc.Key, "traces", len(inc.Traces))
		}
		next.open[r.key] = inc
	}
	for i, t := range changes {
		if cur, ok := next.open[t.incident.openKey()]; ok && cur.Key == t.incident.Key {
			changes[i].incident.Traces, changes[i].incident.TracesNote = cur.Traces, cur.TracesNote
			changes[i].incident.LinksNotified = cur.LinksNotified
		}
	}
	return changes
}

// shortestWindow is the shortest short window of a tier's rules: the
// lookup starts that long before the incident began.
func shortestWindow(st *burnrate.Status, severity slo.Severity) time.Duration {
	var out time.Duration
	for _, a := range st.Alerts {
		if a.Severity == severity && (out == 0 || a.Short < out) {
			out = a.Short
		}
	}
	return out
}

// mergeTraces adds found traces to known ones, each trace once, worst
// first, at most max.
func mergeTraces(known, found []TraceLink, max int) []TraceLink {
	out := slices.Clone(known)
	for _, t := range found {
		if !slices.ContainsFunc(out, func(k TraceLink) bool { return k.TraceID == t.TraceID }) {
			out = append(out, t)
		}
	}
	sortTraces(out)
	if len(out) > max {
		out = out[:max]
	}
	return out
}

// cycleEffects collects what one cycle queues before it is committed.
type cycleEffects struct {
	at       time.Time
	statuses map[string]*burnrate.Status
	prev     state
	router   Router
	resend   map[string]time.Duration
	resent   map[resendKey]time.Time
	// routed are the receivers of this cycle's triggers, by incident key.
	routed map[string][]string
	queue  []*OutboxEntry
}

// receivers are where a notification about an incident goes: where its
// trigger went, or for a trigger (or an incident stored without them) where
// the routes send it.
func (c *cycleEffects) receivers(inc *Incident) []string {
	if len(inc.Receivers) > 0 {
		return inc.Receivers
	}
	return c.router.Receivers(c.sloOf(inc), string(inc.Severity), inc.Kind)
}

// sloOf finds the SLO of an incident: in this evaluation, or, for an SLO
// just removed, in the last one.
func (c *cycleEffects) sloOf(inc *Incident) *slo.SLO {
	if !inc.Kind.PerSLO() {
		return nil
	}
	if st := c.statuses[inc.SLOID]; st != nil {
		return st.SLO
	}
	return c.prev.slos[inc.SLOID]
}

// route composes and queues the notifications of a cycle's changes and
// resends, and records on each new incident where its trigger went.
func (m *Manager) route(c *cycleEffects, next *state, changes []transition) {
	for _, t := range changes {
		if !t.silent {
			m.queue(c, t.incident, t.status, t.repeat, nil)
		}
	}
	m.resends(c, *next, changes)
	for k, inc := range next.open {
		if r, ok := c.routed[inc.Key]; ok {
			inc.Receivers = r
			next.open[k] = inc
		}
	}
}

// queue composes a notification and queues it for each receiver: the
// routed ones, or only the given ones (a resend).
func (m *Manager) queue(c *cycleEffects, inc Incident, status Status, repeat bool, only []string) {
	s := c.sloOf(&inc)
	var st *burnrate.Status
	if s != nil {
		st = c.statuses[s.ID]
	}
	n := m.notification(&inc, s, st, status, repeat, c.at)
	receivers := only
	if receivers == nil {
		receivers = c.receivers(&inc)
	}
	if status == Firing && !repeat {
		c.routed[inc.Key] = receivers
	}
	if len(receivers) == 0 {
		m.opts.Logger.Warn("no receiver for notification; it is only recorded", "incident", inc.Key, "severity", inc.Severity)
	}
	for _, r := range receivers {
		c.queue = append(c.queue, &OutboxEntry{Receiver: r, Notification: n, NextAttempt: c.at})
		if status == Firing {
			c.resent[resendKey{inc.Key, r}] = c.at
		}
	}
	if status == Resolved {
		for k := range c.resent {
			if k.incident == inc.Key {
				delete(c.resent, k)
			}
		}
	}
}

// resends re-sends firing incidents that no change notified this cycle to
// the receivers that want it (an Alertmanager expires alerts that are not
// re-sent).
func (m *Manager) resends(c *cycleEffects, next state, changes []transition) {
	notified := map[string]bool{}
	for _, t := range changes {
		notified[t.incident.Key] = true
	}
	keys := make([]openKey, 0, len(next.open))
	for k := range next.open {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b openKey) int { return cmp.Compare(next.open[a].Key, next.open[b].Key) })
	for _, k := range keys {
		inc := next.open[k]
		if notified[inc.Key] {
			continue
		}
		var due []string
		for _, r := range c.receivers(&inc) {
			every, ok := c.resend[r]
			if !ok {
				continue
			}
			last, seen := c.resent[resendKey{inc.Key, r}]
			if !seen {
				last = inc.LastNotifiedAt
			}
			if c.at.Sub(last) >= every {
				due = append(due, r)
			}
		}
		if len(due) > 0 {
			m.queue(c, inc, Firing, true, due)
		}
	}
}
