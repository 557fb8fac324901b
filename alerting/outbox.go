package alerting

// This file is the outbox side of the Store: what the dispatcher reads and
// records as it delivers.

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// Head returns the oldest queued notification of a receiver, or nil.
func (s *Store) Head(receiver string) (*OutboxEntry, error) {
	var out *OutboxEntry
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOutbox).Bucket([]byte(receiver))
		if b == nil {
			return nil
		}
		k, v := b.Cursor().First()
		if k == nil {
			return nil
		}
		out = &OutboxEntry{}
		if err := gob.NewDecoder(bytes.NewReader(v)).Decode(out); err != nil {
			return fmt.Errorf("outbox %s entry %d: %w", receiver, binary.BigEndian.Uint64(k), err)
		}
		out.Seq = binary.BigEndian.Uint64(k)
		return nil
	})
	return out, err
}

// Finish removes a delivered (or given up) notification from the outbox and
// records the outcome in its delivery record, in one transaction.
func (s *Store) Finish(e *OutboxEntry, state DeliveryState, at time.Time) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		if b := tx.Bucket(bucketOutbox).Bucket([]byte(e.Receiver)); b != nil {
			if err := b.Delete(seqKey(e.Seq)); err != nil {
				return err
			}
		}
		d := e.Outcome()
		d.State = state
		if state == DeliverySent {
			d.SentAt = at
		}
		return putDelivery(tx, e.Notification.IncidentKey, d)
	})
}

// Retry records a failed attempt and when to try again.
func (s *Store) Retry(e *OutboxEntry) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOutbox).Bucket([]byte(e.Receiver))
		if b == nil || b.Get(seqKey(e.Seq)) == nil {
			return nil
		}
		data, err := encode(e)
		if err != nil {
			return err
		}
		if err := b.Put(seqKey(e.Seq), data); err != nil {
			return err
		}
		return putDelivery(tx, e.Notification.IncidentKey, e.Outcome())
	})
}

// Outcome is the delivery record of an outbox entry as it stands: pending,
// with its attempts and last error.
func (e *OutboxEntry) Outcome() Delivery {
	n := e.Notification
	return Delivery{NotificationID: n.ID, Receiver: e.Receiver, Status: n.Status, Repeat: n.Repeat,
		State: DeliveryPending, Attempts: e.Attempts, LastError: e.LastError, QueuedAt: n.EvaluatedAt}
}

// Depth returns the number of queued notifications per receiver.
func (s *Store) Depth() (map[string]int, error) {
	out := map[string]int{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEachBucket(func(name []byte) error {
			out[string(name)] = tx.Bucket(bucketOutbox).Bucket(name).Stats().KeyN
			return nil
		})
	})
	return out, err
}
