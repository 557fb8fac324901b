package alerting

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Status says whether a notification opens (or repeats) an incident, adds
// to an open one, or closes it.
type Status string

// Notification statuses.
const (
	// Firing opens an incident, or repeats it (Repeat is true).
	Firing Status = "firing"
	// Updated adds to an incident already notified and still firing: trace
	// links found after the trigger went out. It is sent at most once per
	// incident and receiver; a receiver renders it as an update of the open
	// incident (PagerDuty: a trigger with the same dedup_key; Slack: one
	// follow-up message; webhook: an "updated" event; Alertmanager: the
	// firing alert with fresh annotations), never as a new incident.
	Updated Status = "updated"
	// Resolved closes an incident; EndReason says why.
	Resolved Status = "resolved"
)

// EndReason says why an incident was closed. Only EndRecovered is a
// recovery: the others must not be rendered as one.
type EndReason string

// End reasons.
const (
	// EndRecovered: no rule of the tier holds any more (for a no-data
	// incident: data came back; for evaluation failing: queries work again).
	EndRecovered EndReason = "recovered"
	// EndEscalated: the page tier took over from the ticket tier; the burn
	// got worse, it did not recover.
	EndEscalated EndReason = "escalated"
	// EndSLORemoved: the SLO was removed from the specs.
	EndSLORemoved EndReason = "slo_removed"
)

// Kind says what a notification is about.
type Kind string

// Notification kinds.
const (
	// KindBurn is an error budget burning faster than the policy allows.
	KindBurn Kind = "burn"
	// KindEvaluationFailing is an SLO that could not be evaluated for a
	// number of cycles: burnwatch says so instead of going silent.
	KindEvaluationFailing Kind = "evaluation_failing"
	// KindNoData is an SLO whose queries return no data.
	KindNoData Kind = "no_data"
)

// Notification is one message to one receiver about one incident. It carries
// everything every receiver renders, so that a receiver needs nothing else.
type Notification struct {
	// ID is unique per notification; the outbox is keyed by it.
	ID string `json:"id"`
	// IncidentKey is stable for the life of one incident of one SLO and
	// tier; receivers use it to deduplicate and to resolve (PagerDuty's
	// dedup_key, at most 255 characters).
	IncidentKey string `json:"incident_key"`
	Kind        Kind   `json:"kind"`
	Status      Status `json:"status"`
	// Severity is "page" or "ticket".
	Severity string `json:"severity"`
	// Repeat is true for a reminder of an incident already notified.
	Repeat bool `json:"repeat"`
	// Summary is one line for a person: what is burning and how fast.
	Summary string  `json:"summary"`
	SLO     SLOInfo `json:"slo"`
	// StartsAt is when the incident began; EndsAt when it ended (zero while
	// firing).
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at,omitzero"`
	// EvaluatedAt is the evaluation the notification comes from.
	EvaluatedAt time.Time `json:"evaluated_at"`
	// BudgetRemaining is the share of the period's error budget left, 1 =
	// untouched, 0 = spent, negative = overspent.
	BudgetRemaining float64 `json:"budget_remaining"`
	// BudgetCovered is how much of the period so far BudgetRemaining was
	// counted over, when that is less than the period so far: a young
	// Prometheus or a new service, whose data spans the last 2h of a 30d
	// period. Zero when the budget covers the whole period so far, or its
	// coverage is not known. BudgetScope says it in words.
	BudgetCovered time.Duration `json:"budget_covered,omitempty"`
	// Windows are the alert rules of the tier with their burn rates now.
	Windows []BurnWindow `json:"windows"`
	// Traces are links to exemplar traces of bad events, worst first.
	Traces []TraceLink `json:"traces"`
	// Labels and Annotations come from the spec's alerting section.
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	RunbookURL  string            `json:"runbook_url,omitempty"`
	// DashboardURL links to the SLO's page on the burnwatch dashboard.
	DashboardURL string `json:"dashboard_url,omitempty"`
	// Error explains an evaluation_failing notification.
	Error string `json:"error,omitempty"`
	// EndReason says why a resolved notification's incident was closed;
	// empty unless Status is Resolved.
	EndReason EndReason `json:"end_reason,omitempty"`
	// NoDataSince is set while a firing incident is held open because its
	// SLO's queries find no data: it is not resolved on missing data.
	NoDataSince time.Time `json:"no_data_since,omitzero"`
	// TracesNote says why Traces is empty (or short) when it is: "no
	// exemplar above 2s in Prometheus yet; the Collector flushes every 60s".
	TracesNote string `json:"traces_note,omitempty"`
	// Report is a report notification's digest (Kind is KindReport).
	Report *Digest `json:"report,omitempty"`
}

// SLOInfo identifies the SLO a notification is about.
type SLOInfo struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Service     string            `json:"service"`
	Team        string            `json:"team"`
	Description string            `json:"description,omitempty"`
	Objective   float64           `json:"objective"`
	Period      string            `json:"period"`
	Labels      map[string]string `json:"labels"`
}

// BurnWindow is one multi-window rule and where the burn rates stand.
type BurnWindow struct {
	// Long and Short are Prometheus durations ("1h", "5m").
	Long  string `json:"long"`
	Short string `json:"short"`
	// Factor is the burn-rate threshold both windows must exceed.
	Factor        float64 `json:"factor"`
	LongBurnRate  float64 `json:"long_burn_rate"`
	ShortBurnRate float64 `json:"short_burn_rate"`
	// Firing is true when both burn rates exceed Factor.
	Firing bool `json:"firing"`
}

// TraceLink is an exemplar trace of a bad event.
type TraceLink struct {
	TraceID string `json:"trace_id"`
	URL     string `json:"url,omitempty"`
	// Value is the exemplar's observed value: a latency in the histogram's
	// unit converted to seconds, or 1 for a failed call.
	Value float64 `json:"value"`
	// Reason says why it is bad: "latency 3.2s > 2s" or "error".
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// Receiver delivers notifications to one destination.
type Receiver interface {
	// Name identifies the receiver in logs, metrics and routes.
	Name() string
	// Notify sends one notification. retryable says whether sending it
	// again may succeed (a 5xx, a 429, a timeout); a non-retryable error is
	// final (a 400 that says the payload is wrong).
	Notify(ctx context.Context, n *Notification) (retryable bool, err error)
}

// RetryAfterError is a retryable failure whose receiver said when to try
// again (HTTP 429 or 503 with Retry-After).
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry after %s)", e.Err, e.After)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// RetryAfter returns the delay a receiver asked for, if any.
func RetryAfter(err error) (time.Duration, bool) {
	var ra *RetryAfterError
	if errors.As(err, &ra) {
		return ra.After, true
	}
	return 0, false
}
