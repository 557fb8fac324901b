package pgstore

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/burnwatch/burnwatch/alerting"
)

// Head claims the oldest queued notification of a receiver, or nil: the
// claim is fenced by the lease, so a replica that does not lead gets
// alerting.ErrNotLeader and sends nothing.
func (s *Store) Head(receiver string) (*alerting.OutboxEntry, error) {
	var out *alerting.OutboxEntry
	err := s.write("read the outbox of "+receiver, func(ctx context.Context, tx pgx.Tx) error {
		var seq int64
		var data []byte
		err := tx.QueryRow(ctx, `SELECT seq, data FROM outbox WHERE receiver = $1 ORDER BY seq LIMIT 1`, receiver).Scan(&seq, &data)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		out = &alerting.OutboxEntry{}
		if err := gob.NewDecoder(bytes.NewReader(data)).Decode(out); err != nil {
			return fmt.Errorf("entry %d: %w", seq, err)
		}
		out.Seq = uint64(seq)
		return nil
	})
	return out, err
}

// Finish removes a delivered (or given up) notification from the outbox and
// records the outcome in its delivery record, in one fenced transaction.
func (s *Store) Finish(e *alerting.OutboxEntry, state alerting.DeliveryState, at time.Time) error {
	return s.write("record the delivery of "+e.Notification.ID, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM outbox WHERE seq = $1`, int64(e.Seq)); err != nil {
			return err
		}
		d := e.Outcome()
		d.State = state
		if state == alerting.DeliverySent {
			d.SentAt = at
		}
		return putDelivery(ctx, tx, e.Notification.IncidentKey, d)
	})
}

// Retry records a failed attempt and when to try again, unless the entry
// is no longer queued.
func (s *Store) Retry(e *alerting.OutboxEntry) error {
	return s.write("record a retry of "+e.Notification.ID, func(ctx context.Context, tx pgx.Tx) error {
		data, err := encode(e)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE outbox SET data = $2 WHERE seq = $1`, int64(e.Seq), data)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return putDelivery(ctx, tx, e.Notification.IncidentKey, e.Outcome())
	})
}

// Depth returns the number of queued notifications per receiver.
func (s *Store) Depth() (map[string]int, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT receiver, count(*) FROM outbox GROUP BY receiver`)
	if err != nil {
		return nil, fmt.Errorf("count the outbox: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var r string
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			return nil, fmt.Errorf("count the outbox: %w", err)
		}
		out[r] = n
	}
	return out, rows.Err()
}
