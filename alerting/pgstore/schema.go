package pgstore

import (
	"context"
	"fmt"
)

// migrations bring the schema from one version to the next; migration i
// makes version i+1. Append only: a released migration never changes.
var migrations = []string{
	// 1: incidents (open ones are those firing; resolved ones are listed
	// and pruned by when they resolved), delivery records, the outbox and
	// the leader lease.
	`CREATE TABLE incidents (
		key         text PRIMARY KEY,
		firing      boolean NOT NULL,
		started_at  timestamptz NOT NULL,
		resolved_at timestamptz,
		data        bytea NOT NULL
	);
	CREATE INDEX incidents_resolved ON incidents (resolved_at) WHERE NOT firing;
	CREATE INDEX incidents_firing ON incidents (key) WHERE firing;
	CREATE TABLE deliveries (
		incident_key    text NOT NULL,
		notification_id text NOT NULL,
		receiver        text NOT NULL,
		queued_at       timestamptz NOT NULL,
		data            jsonb NOT NULL,
		PRIMARY KEY (incident_key, notification_id, receiver)
	);
	CREATE TABLE outbox (
		seq      bigserial PRIMARY KEY,
		receiver text NOT NULL,
		data     bytea NOT NULL
	);
	CREATE INDEX outbox_receiver ON outbox (receiver, seq);
	CREATE TABLE lease (
		id         int PRIMARY KEY CHECK (id = 1),
		holder     text NOT NULL,
		epoch      bigint NOT NULL,
		expires_at timestamptz NOT NULL
	);`,
}

// migrate applies the migrations the database has not seen, in one
// transaction under an advisory lock, so that replicas starting together
// migrate once.
func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7242019)`); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version int NOT NULL)`); err != nil {
		return err
	}
	var version int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&version); err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("the database has schema version %d, newer than this burnwatch knows (%d)", version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		if _, err := tx.Exec(ctx, migrations[v]); err != nil {
			return fmt.Errorf("to version %d: %w", v+1, err)
		}
		s.log.Info("migrated the alert store's schema", "version", v+1)
	}
	if version < len(migrations) {
		if _, err := tx.Exec(ctx, `DELETE FROM schema_version`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_version VALUES ($1)`, len(migrations)); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}
