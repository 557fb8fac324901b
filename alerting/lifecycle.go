package alerting

// This file is the alert lifecycle: a pure step from the state after one
// evaluation to the state after the next, with the transitions that need
// a notification. It does no I/O, takes no lock and reads no clock; the
// Manager runs the effects (exemplars, composition, routing, the outbox)
// after it and adopts the next state only once they are committed.

import (
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// policy is what the lifecycle needs of the configuration.
type policy struct {
	// repeat is how often a firing incident is notified again.
	repeat time.Duration
	// failingCycles failed evaluations in a row open the evaluation-failing
	// incident, at failingSeverity.
	failingCycles   int
	failingSeverity slo.Severity
	// noDataAfter opens a no-data incident for an SLO that has had no data
	// for this long; zero or less never does.
	noDataAfter time.Duration
}

// state is the lifecycle's memory between evaluations. A step never
// changes the state it is given: it returns a new one.
type state struct {
	open map[openKey]Incident
	// failures counts each SLO's failed evaluations in a row.
	failures map[string]failure
	// noDataSince says since when each SLO without data has had none.
	noDataSince map[string]time.Time
	// slos are the SLOs of the last evaluation, by id.
	slos map[string]*slo.SLO
}

type failure struct {
	cycles int
	reason string
}

func newState() state {
	return state{open: map[openKey]Incident{}, failures: map[string]failure{},
		noDataSince: map[string]time.Time{}, slos: map[string]*slo.SLO{}}
}

func (s state) clone() state {
	return state{open: maps.Clone(s.open), failures: maps.Clone(s.failures),
		noDataSince: maps.Clone(s.noDataSince), slos: maps.Clone(s.slos)}
}

// transition is a change of an incident that receivers are told about.
type transition struct {
	// incident is the incident after the change.
	incident Incident
	status   Status
	repeat   bool
	// silent changes the incident without a notification (a budget-spent
	// incident closed by a new period).
	silent bool
}

// step moves every incident along for one evaluation at now. An SLO that
// has no Status in statuses was removed from the specs (every loaded SLO
// gets one Status per evaluation, a failed one included): its incidents
// close with EndSLORemoved.
func step(prev state, statuses []burnrate.Status, p policy, now time.Time) (state, []transition) {
	next := prev.clone()
	next.slos = map[string]*slo.SLO{}
	var out []transition
	for i := range statuses {
		st := &statuses[i]
		id := st.SLO.ID
		next.slos[id] = st.SLO
		switch st.State {
		case burnrate.StateError:
			// An unknown burn changes no incident.
			f := next.failures[id]
			next.failures[id] = failure{cycles: f.cycles + 1, reason: st.Reason}
		case burnrate.StateNoData:
			delete(next.failures, id)
			out = append(out, holdForNoData(&next, st, p, now)...)
		default:
			delete(next.failures, id)
			delete(next.noDataSince, id)
			if inc, ok := next.open[noDataKey(id)]; ok {
				out = append(out, resolve(&next, inc, EndRecovered, now))
			}
			out = append(out, burn(&next, st, p, now)...)
			out = append(out, exhaust(&next, st, p, now)...)
			out = append(out, spend(&next, st, now)...)
		}
	}
	out = append(out, removeGone(&next, now)...)
	out = append(out, evaluationFailing(&next, p, now)...)
	return next, out
}

// burn opens, repeats, escalates, de-escalates or resolves an SLO's burn
// incident.
func burn(s *state, st *burnrate.Status, p policy, now time.Time) []transition {
	want, firing := firingTier(st)
	cur, open := s.open[burnKey(st.SLO.ID)]
	if open {
		cur.NoDataSince = time.Time{}
	}
	switch {
	case !open && !firing:
		return nil
	case open && firing && cur.Severity == want:
		cur.Windows = tierWindows(st, want)
		s.open[burnKey(st.SLO.ID)] = cur
		if now.Sub(cur.LastNotifiedAt) >= p.repeat {
			return []transition{notify(s, cur, Firing, true, now)}
		}
		return nil
	}
	var out []transition
	escalated := open && cur.Severity == slo.Ticket && want == slo.Page
	if open {
		reason := EndRecovered
		if escalated {
			reason = EndEscalated
		}
		out = append(out, resolve(s, cur, reason, now))
	}
	if firing {
		inc := newIncident(st.SLO.ID, KindBurn, want, now)
		inc.Windows = tierWindows(st, want)
		if escalated {
			// The same burn, worse: the ticket's trace links still explain it.
			inc.Traces = cur.Traces
		}
		out = append(out, notify(s, inc, Firing, false, now))
	}
	return out
}

// firingTier is the most severe tier whose rule holds, if any does.
func firingTier(st *burnrate.Status) (slo.Severity, bool) {
	tier := st.Firing()
	return tier, tier == slo.Page || tier == slo.Ticket
}

// holdForNoData keeps an SLO's burn incident open while its queries find no
// data, marking since when, and opens a no-data incident once that has
// lasted noDataAfter.
func holdForNoData(s *state, st *burnrate.Status, p policy, now time.Time) []transition {
	id := st.SLO.ID
	since, ok := s.noDataSince[id]
	if !ok {
		since = now
		s.noDataSince[id] = since
	}
	var out []transition
	if cur, open := s.open[burnKey(id)]; open {
		if cur.NoDataSince.IsZero() {
			cur.NoDataSince = since
		}
		s.open[burnKey(id)] = cur
		if now.Sub(cur.LastNotifiedAt) >= p.repeat {
			out = append(out, notify(s, cur, Firing, true, now))
		}
	}
	if _, open := s.open[noDataKey(id)]; !open && p.noDataAfter > 0 && now.Sub(since) >= p.noDataAfter {
		inc := newIncident(id, KindNoData, slo.Ticket, since)
		out = append(out, notify(s, inc, Firing, false, now))
	}
	return out
}

// removeGone closes the incidents of SLOs that were removed from the specs
// and forgets what was counted for them.
func removeGone(s *state, now time.Time) []transition {
	var gone []Incident
	for k, inc := range s.open {
		if k.Kind.PerSLO() && s.slos[k.SLO] == nil {
			gone = append(gone, inc)
		}
	}
	sort.Slice(gone, func(a, b int) bool { return gone[a].Key < gone[b].Key })
	var out []transition
	for _, inc := range gone {
		out = append(out, resolve(s, inc, EndSLORemoved, now))
	}
	for id := range s.failures {
		if s.slos[id] == nil {
			delete(s.failures, id)
		}
	}
	for id := range s.noDataSince {
		if s.slos[id] == nil {
			delete(s.noDataSince, id)
		}
	}
	return out
}

// evaluationFailing opens one incident when SLOs have failed to evaluate for
// failingCycles cycles in a row, and resolves it when they evaluate again.
func evaluationFailing(s *state, p policy, now time.Time) []transition {
	var ids []string
	for id, f := range s.failures {
		if f.cycles >= p.failingCycles {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	cur, open := s.open[failingKey]
	switch {
	case len(ids) > 0 && !open:
		inc := newIncident("", KindEvaluationFailing, p.failingSeverity, now)
		inc.Summary = failingSummary(ids, s.failures[ids[0]].reason, p.failingCycles)
		return []transition{notify(s, inc, Firing, false, now)}
	case len(ids) == 0 && open:
		return []transition{resolve(s, cur, EndRecovered, now)}
	case open:
		cur.Summary = failingSummary(ids, s.failures[ids[0]].reason, p.failingCycles)
		s.open[failingKey] = cur
		if now.Sub(cur.LastNotifiedAt) >= p.repeat {
			return []transition{notify(s, cur, Firing, true, now)}
		}
	}
	return nil
}

func failingSummary(ids []string, reason string, cycles int) string {
	return fmt.Sprintf("%d SLOs could not be evaluated for %d cycles or more (%s…): %s",
		len(ids), cycles, strings.Join(ids[:min(3, len(ids))], ", "), reason)
}

func newIncident(sloID string, kind Kind, severity slo.Severity, at time.Time) Incident {
	key := fmt.Sprintf("%s/%s/%s/%d", sloID, kind, severity, at.Unix())
	if !kind.PerSLO() {
		key = fmt.Sprintf("burnwatch/%s/%d", kind, at.Unix())
	}
	return Incident{Key: key, SLOID: sloID, Kind: kind, Severity: severity, State: IncidentFiring, StartedAt: at}
}

// notify records a firing incident in the state and asks for a
// notification about it.
func notify(s *state, inc Incident, status Status, repeat bool, now time.Time) transition {
	inc.LastNotifiedAt = now
	s.open[inc.openKey()] = inc
	return transition{incident: inc, status: status, repeat: repeat}
}

// resolve closes an incident: it leaves the open set.
func resolve(s *state, inc Incident, reason EndReason, now time.Time) transition {
	delete(s.open, inc.openKey())
	inc.State, inc.ResolvedAt, inc.EndReason, inc.LastNotifiedAt = IncidentResolved, now, reason, now
	return transition{incident: inc, status: Resolved}
}

// tierWindows are the rules of one tier as notifications show them.
func tierWindows(st *burnrate.Status, severity slo.Severity) []BurnWindow {
	var out []BurnWindow
	for _, a := range st.Alerts {
		if a.Severity != severity {
			continue
		}
		out = append(out, BurnWindow{
			Long: burnrate.FormatWindow(a.Long), Short: burnrate.FormatWindow(a.Short), Factor: a.Factor,
			LongBurnRate: a.LongBurnRate, ShortBurnRate: a.ShortBurnRate, Firing: a.Firing,
		})
	}
	return out
}
