package pgstore

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/burnwatch/burnwatch/alerting"
)

// Incidents and outbox entries are stored with encoding/gob, as the bbolt
// store keeps them (it holds NaN burn rates, which JSON cannot); delivery
// records as JSON.

// OpenIncidents returns every incident that is firing.
func (s *Store) OpenIncidents() ([]*alerting.Incident, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT key, data FROM incidents WHERE firing ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("read open incidents: %w", err)
	}
	var out []*alerting.Incident
	for _, i := range collectIncidents(rows, &err) {
		out = append(out, &i)
	}
	if err != nil {
		return nil, fmt.Errorf("read open incidents: %w", err)
	}
	return out, nil
}

// Resolved returns the incidents resolved at or after since, most recently
// resolved first, at most limit of them, without their deliveries.
func (s *Store) Resolved(since time.Time, limit int) ([]alerting.Incident, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT key, data FROM incidents WHERE NOT firing AND resolved_at >= $1
		ORDER BY resolved_at DESC, key DESC LIMIT $2`, since, limit)
	if err != nil {
		return nil, fmt.Errorf("read resolved incidents: %w", err)
	}
	out := collectIncidents(rows, &err)
	if err != nil {
		return nil, fmt.Errorf("read resolved incidents: %w", err)
	}
	return out, nil
}

func collectIncidents(rows pgx.Rows, errp *error) []alerting.Incident {
	var out []alerting.Incident
	defer rows.Close()
	for rows.Next() {
		var key string
		var data []byte
		if err := rows.Scan(&key, &data); err != nil {
			*errp = err
			return nil
		}
		var i alerting.Incident
		if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&i); err != nil {
			*errp = fmt.Errorf("incident %s: %w", key, err)
			return nil
		}
		out = append(out, i)
	}
	*errp = rows.Err()
	return out
}

// Incidents returns the open incidents and those resolved at or after
// since, newest first, at most limit of them, with their deliveries.
func (s *Store) Incidents(since time.Time, limit int) ([]*alerting.Incident, error) {
	return alerting.ListIncidents(s, since, limit)
}

// Deliveries returns the delivery records of incidents, each incident's
// oldest first, in one query.
func (s *Store) Deliveries(incidentKeys ...string) (map[string][]alerting.Delivery, error) {
	out := make(map[string][]alerting.Delivery, len(incidentKeys))
	for _, k := range incidentKeys {
		out[k] = nil
	}
	ctx, cancel := s.ctx()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT incident_key, data FROM deliveries WHERE incident_key = ANY($1)
		ORDER BY incident_key, queued_at, notification_id, receiver`, incidentKeys)
	if err != nil {
		return nil, fmt.Errorf("read delivery records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var d alerting.Delivery
		if err := rows.Scan(&key, &d); err != nil {
			return nil, fmt.Errorf("read delivery records of %s: %w", key, err)
		}
		out[key] = append(out[key], d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read delivery records: %w", err)
	}
	return out, nil
}

// Commit saves incidents and queues notifications, each with a pending
// delivery record, in one transaction fenced by the lease. An incident's
// record never carries its deliveries.
func (s *Store) Commit(incidents []alerting.Incident, queue []*alerting.OutboxEntry) error {
	seqs := make([]int64, len(queue))
	err := s.write("commit alert changes", func(ctx context.Context, tx pgx.Tx) error {
		for j, e := range queue {
			data, err := encode(e)
			if err != nil {
				return fmt.Errorf("encode notification %s: %w", e.Notification.ID, err)
			}
			if err := tx.QueryRow(ctx, `INSERT INTO outbox (receiver, data) VALUES ($1, $2) RETURNING seq`,
				e.Receiver, data).Scan(&seqs[j]); err != nil {
				return fmt.Errorf("queue notification %s to %s: %w", e.Notification.ID, e.Receiver, err)
			}
			if err := putDelivery(ctx, tx, e.Notification.IncidentKey, e.Outcome()); err != nil {
				return err
			}
		}
		for _, i := range incidents {
			if err := putIncident(ctx, tx, i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for j, e := range queue {
		e.Seq = uint64(seqs[j])
	}
	return nil
}

func putIncident(ctx context.Context, tx pgx.Tx, i alerting.Incident) error {
	i.Deliveries = nil
	data, err := encode(&i)
	if err != nil {
		return fmt.Errorf("encode incident %s: %w", i.Key, err)
	}
	var resolvedAt *time.Time
	if i.State != alerting.IncidentFiring {
		resolvedAt = &i.ResolvedAt
	}
	_, err = tx.Exec(ctx, `INSERT INTO incidents (key, firing, started_at, resolved_at, data) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (key) DO UPDATE SET firing = excluded.firing, started_at = excluded.started_at,
			resolved_at = excluded.resolved_at, data = excluded.data`,
		i.Key, i.State == alerting.IncidentFiring, i.StartedAt, resolvedAt, data)
	if err != nil {
		return fmt.Errorf("save incident %s: %w", i.Key, err)
	}
	return nil
}

// putDelivery writes a delivery record, merged into the one already there
// so that it never moves backwards.
func putDelivery(ctx context.Context, tx pgx.Tx, incidentKey string, d alerting.Delivery) error {
	var prev alerting.Delivery
	err := tx.QueryRow(ctx, `SELECT data FROM deliveries WHERE incident_key = $1 AND notification_id = $2 AND receiver = $3 FOR UPDATE`,
		incidentKey, d.NotificationID, d.Receiver).Scan(&prev)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return fmt.Errorf("read delivery of %s to %s: %w", d.NotificationID, d.Receiver, err)
	default:
		d = prev.Advance(d)
	}
	data, err := json.Marshal(&d)
	if err != nil {
		return fmt.Errorf("encode delivery of %s to %s: %w", d.NotificationID, d.Receiver, err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO deliveries (incident_key, notification_id, receiver, queued_at, data) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (incident_key, notification_id, receiver) DO UPDATE SET data = excluded.data`,
		incidentKey, d.NotificationID, d.Receiver, d.QueuedAt, data)
	if err != nil {
		return fmt.Errorf("save delivery of %s to %s: %w", d.NotificationID, d.Receiver, err)
	}
	return nil
}

// Prune deletes incidents resolved before the given time, with their
// delivery records, and returns how many it deleted; one call deletes at
// most 1,000 incidents.
func (s *Store) Prune(before time.Time) (int, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	var due bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM incidents WHERE NOT firing AND resolved_at < $1)`, before).Scan(&due); err != nil {
		return 0, fmt.Errorf("prune resolved incidents: %w", err)
	}
	if !due {
		return 0, nil // a fenced write only when there is something to prune
	}
	n := 0
	err := s.write("prune resolved incidents", func(ctx context.Context, tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `DELETE FROM incidents WHERE key IN (
			SELECT key FROM incidents WHERE NOT firing AND resolved_at < $1 ORDER BY resolved_at LIMIT 1000)
			RETURNING key`, before)
		if err != nil {
			return err
		}
		keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		n = len(keys)
		_, err = tx.Exec(ctx, `DELETE FROM deliveries WHERE incident_key = ANY($1)`, keys)
		return err
	})
	return n, err
}

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}
