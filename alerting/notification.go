package alerting

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Status says whether a notification opens (or repeats) an incident or
// closes it.
type Status string

// Notification statuses.
const (
	Firing   Status = "firing"
	Resolved Status = "resolved"
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
