package alerting

import (
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// IncidentState is where an incident is in its life.
type IncidentState string

// Incident states. An incident starts firing when a tier's rule first holds
// and is resolved when no rule of the tier holds any more, when a higher
// tier takes over, or when its SLO is removed (EndReason says which). It is
// never resolved because its SLO's queries found no data.
const (
	IncidentFiring   IncidentState = "firing"
	IncidentResolved IncidentState = "resolved"
)

// Incident is one episode of an SLO burning at one tier (or failing to be
// evaluated, or having no data), from the first firing evaluation to the
// resolve. There is one open incident per SLO and kind at most: while a
// page fires, a ticket for the same SLO is held back.
type Incident struct {
	// Key is stable for the incident's life: notifications carry it as
	// their IncidentKey.
	Key string `json:"key"`
	// SLOID is the SLO the incident is about; it is empty for a kind that
	// is about the whole daemon (Kind.PerSLO is false).
	SLOID    string        `json:"slo_id"`
	Kind     Kind          `json:"kind"`
	Severity slo.Severity  `json:"severity"`
	State    IncidentState `json:"state"`
	Summary  string        `json:"summary"`
	// StartedAt is the first evaluation that fired; ResolvedAt the first
	// that did not (zero while firing).
	StartedAt  time.Time `json:"started_at"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	// EndReason says why a resolved incident closed.
	EndReason EndReason `json:"end_reason,omitempty"`
	// LastNotifiedAt is when the last notification (first, repeat or
	// resolve) was queued.
	LastNotifiedAt time.Time `json:"last_notified_at"`
	// NoDataSince is set while a burn incident is held open because its
	// SLO's queries find no data.
	NoDataSince time.Time `json:"no_data_since,omitzero"`
	// Windows are the tier's rules at the last evaluation that fired.
	Windows []BurnWindow `json:"windows"`
	// Traces are the exemplar traces found for the incident, worst first;
	// they are looked up every cycle while the incident is open.
	Traces []TraceLink `json:"traces"`
	// TracesNote says why Traces is empty: no exemplar yet, or the lookup
	// failed.
	TracesNote string `json:"traces_note,omitempty"`
	// Receivers are the receivers the trigger was routed to: every later
	// notification of the incident (update, repeat, resolve) goes to them,
	// whatever routes a reload brings and even once its SLO is gone. Empty
	// for an incident stored before they were kept: those are routed anew.
	Receivers []string `json:"receivers"`
	// LinksNotified is true once a notification with trace links went out
	// (the trigger, or the one update that brings the first links).
	LinksNotified bool `json:"links_notified"`
	// Deliveries are the incident's notifications, one per receiver, oldest
	// first. They are kept in records of their own (the dispatcher updates
	// them) and filled in when incidents are listed.
	Deliveries []Delivery `json:"deliveries"`
}

// DeliveryState is where a notification is on its way to a receiver.
type DeliveryState string

// Delivery states: queued in the outbox, sent, or given up on after a
// non-retryable answer. A delivery only moves forward: pending, then sent
// or failed.
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

// Advance merges a later report of a delivery into d, never moving it
// backwards: attempts only grow and a finished delivery stays finished.
func (d Delivery) Advance(later Delivery) Delivery {
	out := d
	if later.Attempts > out.Attempts {
		out.Attempts = later.Attempts
		out.LastError = later.LastError
	}
	if out.State == DeliveryPending && later.State != DeliveryPending {
		out.State, out.SentAt, out.LastError = later.State, later.SentAt, later.LastError
	}
	return out
}

// openKey identifies the open incident of one kind for one SLO: the
// lifecycle keeps at most one per key. For a kind about the whole daemon
// (evaluation failing) the kind alone is the key.
type openKey struct {
	Kind Kind
	SLO  string
}

func burnKey(id string) openKey   { return openKey{Kind: KindBurn, SLO: id} }
func noDataKey(id string) openKey { return openKey{Kind: KindNoData, SLO: id} }

// failingKey is the key of the evaluation-failing incident, which is about
// the whole daemon.
var failingKey = openKey{Kind: KindEvaluationFailing}

func (i *Incident) openKey() openKey {
	if !i.Kind.PerSLO() {
		return openKey{Kind: i.Kind}
	}
	return openKey{Kind: i.Kind, SLO: i.SLOID}
}

// PerSLO is true for kinds about one SLO, false for kinds about the whole
// daemon.
func (k Kind) PerSLO() bool { return k != KindEvaluationFailing }
