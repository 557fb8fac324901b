package alerting

// A report is a team's weekly or monthly digest of its SLOs. It reaches
// the team's receivers like an incident's notification, through the routes
// (match it with kinds: [report]) and the outbox, and is kept in the store
// as a resolved record keyed by team and period, so that each period's
// report is queued once, also across restarts.

import (
	"fmt"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// KindReport is a team's periodic digest.
const KindReport Kind = "report"

// Digest is a team's report over one calendar week or month.
type Digest struct {
	Team string `json:"team"`
	// Period is "week" or "month"; From and To bound it, To excluded.
	Period string    `json:"period"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	// SLOs are the team's SLOs over the period, worst attainment first.
	SLOs []DigestSLO `json:"slos"`
	// Incidents are the team's burn, exhaustion and no-data incidents that
	// overlap the period, oldest first.
	Incidents []DigestIncident `json:"incidents"`
	// ClosestToExhaustion are the SLOs with the least budget left now,
	// at most three.
	ClosestToExhaustion []DigestSLO `json:"closest_to_exhaustion"`
	// URL links to the report on the dashboard, when its address is known.
	URL string `json:"url,omitempty"`
}

// DigestSLO is one SLO in a digest.
type DigestSLO struct {
	ID        string  `json:"id"`
	Objective float64 `json:"objective"`
	// Attainment is the share of good events over the period (null
	// without valid events); Met says whether it reached the objective.
	Attainment burnrate.Number `json:"attainment"`
	Met        bool            `json:"met"`
	// BudgetConsumed is the share of the error budget the period's bad
	// events spent.
	BudgetConsumed burnrate.Number `json:"budget_consumed"`
	// BudgetRemaining is the budget left now, over the SLO's own period;
	// ExhaustedInSeconds how long it lasts at the current burn (null when
	// it is not being spent).
	BudgetRemaining    burnrate.Number `json:"budget_remaining"`
	ExhaustedInSeconds burnrate.Number `json:"exhausted_in_seconds"`
}

// DigestIncident is one incident in a digest.
type DigestIncident struct {
	SLOID      string       `json:"slo_id"`
	Kind       Kind         `json:"kind"`
	Severity   slo.Severity `json:"severity"`
	StartedAt  time.Time    `json:"started_at"`
	ResolvedAt time.Time    `json:"resolved_at,omitzero"`
	// DurationSeconds is how long it fired within the report's time, until
	// it resolved or the report was made.
	DurationSeconds float64 `json:"duration_seconds"`
}

// ReportKey is the stable key of a team's report for one period.
func ReportKey(team, period string, from time.Time) string {
	return fmt.Sprintf("report/%s/%s/%s", team, period, from.UTC().Format("2006-01-02"))
}

// Title is the digest's headline: "checkout: weekly SLO report, 23–30 Nov 2026".
func (d *Digest) Title() string {
	kind := "weekly"
	if d.Period == "month" {
		kind = "monthly"
	}
	last := d.To.Add(-time.Second)
	return fmt.Sprintf("%s: %s SLO report, %s – %s", d.Team, kind, d.From.Format("2 Jan 2006"), last.Format("2 Jan 2006"))
}

// QueueReport routes a team's digest to the receivers its routes pick for
// the team, and commits it to the outbox with a record keyed by team and
// period. A report already queued for that period is not queued again:
// queued is false then.
func (m *Manager) QueueReport(d *Digest, at time.Time) (queued bool, err error) {
	m.cycle.Lock()
	defer m.cycle.Unlock()
	key := ReportKey(d.Team, d.Period, d.From)
	done, err := m.reported(key, d.To)
	if err != nil || done {
		return false, err
	}
	m.mu.RLock()
	router := m.opts.Router
	m.mu.RUnlock()
	receivers := router.Receivers(&slo.SLO{Team: d.Team}, string(slo.Ticket), KindReport)
	inc := Incident{Key: key, Kind: KindReport, Severity: slo.Ticket, State: IncidentResolved, Summary: d.Title(),
		StartedAt: d.From, ResolvedAt: at, LastNotifiedAt: at, Receivers: receivers}
	n := &Notification{ID: key + "/" + fmt.Sprint(at.UnixMilli()), IncidentKey: key, Kind: KindReport, Status: Resolved,
		Severity: string(slo.Ticket), Summary: d.Title(), SLO: SLOInfo{Team: d.Team, Labels: map[string]string{}},
		StartsAt: d.From, EndsAt: d.To, EvaluatedAt: at, Labels: map[string]string{}, Annotations: map[string]string{},
		Windows: []BurnWindow{}, Traces: []TraceLink{}, Report: d, DashboardURL: d.URL}
	var queue []*OutboxEntry
	for _, r := range receivers {
		queue = append(queue, &OutboxEntry{Receiver: r, Notification: n, NextAttempt: at})
	}
	if len(queue) == 0 {
		m.opts.Logger.Warn("no receiver for the team's report; it is only recorded", "team", d.Team, "report", key)
	}
	if err := m.opts.Store.Commit([]Incident{inc}, queue); err != nil {
		return false, fmt.Errorf("commit report %s: %w", key, err)
	}
	if len(queue) > 0 {
		m.opts.Queued()
	}
	return true, nil
}

// reported says whether the report with key was recorded: reports are
// recorded as resolved once their period is over, so the records resolved
// since its end hold it.
func (m *Manager) reported(key string, end time.Time) (bool, error) {
	const most = 10_000
	recs, err := m.opts.Store.Resolved(end, most)
	if err != nil {
		return false, fmt.Errorf("look up report %s: %w", key, err)
	}
	for _, r := range recs {
		if r.Key == key {
			return true, nil
		}
	}
	return false, nil
}
