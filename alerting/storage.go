package alerting

import (
	"errors"
	"slices"
	"time"
)

// Storage is where alert state is kept: incidents, their delivery records
// and the outbox. Store (a bbolt file, one replica) is the default; a
// shared database lets several replicas take turns leading. Every
// implementation passes the conformance suite in alerting/storetest.
type Storage interface {
	IncidentStore
	Outbox
	// Incidents returns the open incidents and those resolved at or after
	// since, newest first, at most limit of them, with their deliveries:
	// what a replica that does not lead shows.
	Incidents(since time.Time, limit int) ([]*Incident, error)
	// Depth returns the number of queued notifications per receiver.
	Depth() (map[string]int, error)
	Close() error
}

// Outbox is what the Dispatcher reads and records as it delivers.
type Outbox interface {
	// Head returns the oldest queued notification of a receiver, or nil.
	// A shared store refuses it to a replica that does not lead.
	Head(receiver string) (*OutboxEntry, error)
	// Finish removes a delivered (or given up) notification from the
	// outbox and records the outcome in its delivery record.
	Finish(e *OutboxEntry, state DeliveryState, at time.Time) error
	// Retry records a failed attempt and when to try again.
	Retry(e *OutboxEntry) error
}

// ErrNotLeader is returned (wrapped) by a shared store when a replica that
// no longer holds the lease tries to commit or claim: its epoch is fenced
// off, and nothing it wrote in that transaction is kept.
var ErrNotLeader = errors.New("this replica does not hold the leader lease")

var _ Storage = (*Store)(nil)

// ListIncidents is Storage.Incidents for a store that has the parts: the
// open incidents and those resolved at or after since, newest first, at
// most limit of them, each with its deliveries.
func ListIncidents(s IncidentStore, since time.Time, limit int) ([]*Incident, error) {
	open, err := s.OpenIncidents()
	if err != nil {
		return nil, err
	}
	resolved, err := s.Resolved(since, limit)
	if err != nil {
		return nil, err
	}
	for i := range resolved {
		open = append(open, &resolved[i])
	}
	slices.SortStableFunc(open, func(a, b *Incident) int { return b.StartedAt.Compare(a.StartedAt) })
	if len(open) > limit {
		open = open[:limit]
	}
	keys := make([]string, len(open))
	for j, i := range open {
		keys[j] = i.Key
	}
	deliveries, err := s.Deliveries(keys...)
	if err != nil {
		return nil, err
	}
	for _, i := range open {
		i.Deliveries = deliveries[i.Key]
	}
	return open, nil
}
