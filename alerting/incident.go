package alerting

import "time"

// IncidentState is where an incident is in its life.
type IncidentState string

// Incident states. An incident starts firing when a tier's rule first holds
// and is resolved when no rule of the tier holds any more.
const (
	IncidentFiring   IncidentState = "firing"
	IncidentResolved IncidentState = "resolved"
)

// Incident is one episode of an SLO burning at one tier (or failing to be
// evaluated), from the first firing evaluation to the resolve. There is one
// open incident per SLO and kind at most: while a page fires, a ticket for
// the same SLO is held back.
type Incident struct {
	// Key is stable for the incident's life: notifications carry it as
	// their IncidentKey.
	Key      string        `json:"key"`
	SLOID    string        `json:"slo_id"`
	Kind     Kind          `json:"kind"`
	Severity string        `json:"severity"`
	State    IncidentState `json:"state"`
	Summary  string        `json:"summary"`
	// StartedAt is the first evaluation that fired; ResolvedAt the first
	// that did not (zero while firing).
	StartedAt  time.Time `json:"started_at"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	// LastNotifiedAt is when the last notification (first, repeat or
	// resolve) was queued.
	LastNotifiedAt time.Time `json:"last_notified_at"`
	// Windows are the tier's rules at the last evaluation that fired.
	Windows []BurnWindow `json:"windows"`
	// Traces are the exemplar traces found for the incident, worst first.
	Traces []TraceLink `json:"traces"`
	// Deliveries are the incident's notifications, one per receiver, oldest
	// first.
	Deliveries []Delivery `json:"deliveries"`
}

// DeliveryState is where a notification is on its way to a receiver.
type DeliveryState string

// Delivery states: queued in the outbox, sent, or given up on after a
// non-retryable answer.
const (
	DeliveryPending DeliveryState = "pending"
	DeliverySent    DeliveryState = "sent"
	DeliveryFailed  DeliveryState = "failed"
)

// Delivery is one notification to one receiver and how it went.
type Delivery struct {
	NotificationID string        `json:"notification_id"`
	Receiver       string        `json:"receiver"`
	Status         Status        `json:"status"`
	Repeat         bool          `json:"repeat"`
	State          DeliveryState `json:"state"`
	Attempts       int           `json:"attempts"`
	LastError      string        `json:"last_error,omitempty"`
	QueuedAt       time.Time     `json:"queued_at"`
	SentAt         time.Time     `json:"sent_at,omitzero"`
}
