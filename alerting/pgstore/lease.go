package pgstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/burnwatch/burnwatch/alerting"
)

// The lease is one row: who holds it, its epoch (incremented at every
// takeover) and when it expires, by the database's clock, so that replicas
// whose clocks disagree still agree on who leads.

// Lead campaigns for the lease until ctx ends: every third of the lease it
// renews the lease it holds, or takes it over once it has expired.
// onChange is called with true when this replica starts leading and with
// false when it stops (the lease was lost, or could not be renewed before
// it would expire). When ctx ends, a leader gives up the lease.
//
// What it logs: a change of leadership at info; a failed poll, which the
// next one retries, as a warning; an error only once the polls have kept
// failing for longer than the lease, when this replica can no longer lead
// (and no replica can, if the database is out of reach for all). A
// replica that simply does not lead logs nothing.
func (s *Store) Lead(ctx context.Context, onChange func(leading bool)) {
	every := s.lease / 3
	var renewed time.Time // when the lease was last renewed, by this clock
	lastOK := time.Now()  // when a poll last worked
	var failingSince time.Time
	for {
		leading := s.epoch.Load() != 0
		began := time.Now()
		ok, err := s.campaign(ctx)
		if err == nil {
			if !failingSince.IsZero() {
				s.log.Info("lease polls work again", "holder", s.holder, "failed_for", time.Since(failingSince).Round(time.Millisecond))
				failingSince = time.Time{}
			}
			lastOK = began
		}
		switch {
		case ok:
			renewed = began
			if !leading {
				s.log.Info("leading: acquired the lease", "holder", s.holder, "epoch", s.epoch.Load())
				onChange(true)
			}
		case leading && err == nil:
			// Another replica took the lease over: this one was paused or
			// cut off past it, and the fence refuses its writes.
			s.epoch.Store(0)
			s.log.Info("no longer leading: another replica took the lease over", "holder", s.holder)
			onChange(false)
		case leading && time.Since(renewed) >= s.lease:
			// By now another replica may lead, and the fence refuses this
			// one's writes.
			s.epoch.Store(0)
			s.log.Error("no longer leading: could not renew the lease before it expired", "holder", s.holder,
				"failing_for", time.Since(lastOK).Round(time.Millisecond), "err", err)
			onChange(false)
		case err != nil && ctx.Err() == nil:
			if failingSince.IsZero() {
				failingSince = began
			}
			level := slog.LevelWarn
			if time.Since(lastOK) >= s.lease {
				level = slog.LevelError
			}
			s.log.Log(ctx, level, "poll the lease; trying again", "holder", s.holder, "leading", leading,
				"failing_for", time.Since(lastOK).Round(time.Millisecond), "retry_in", every, "err", err)
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			if s.epoch.Load() != 0 {
				rctx, cancel := s.ctx()
				if err := s.resign(rctx); err != nil {
					s.log.Warn("stopping: could not give up the lease; it expires on its own", "err", err)
				}
				cancel()
				onChange(false)
			}
			return
		case <-t.C:
		}
	}
}

// Leading reports whether this replica holds the lease, as far as it knows.
func (s *Store) Leading() bool { return s.epoch.Load() != 0 }

// campaign renews the lease this replica holds or takes over an expired
// (or absent) one, and reports whether this replica holds it now.
func (s *Store) campaign(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	secs := s.lease.Seconds()
	if epoch := s.epoch.Load(); epoch != 0 {
		tag, err := s.pool.Exec(ctx, `UPDATE lease SET expires_at = now() + make_interval(secs => $3)
			WHERE id = 1 AND holder = $1 AND epoch = $2`, s.holder, epoch, secs)
		if err != nil {
			return false, fmt.Errorf("renew the lease: %w", err)
		}
		return tag.RowsAffected() == 1, nil
	}
	var epoch int64
	err := s.pool.QueryRow(ctx, `INSERT INTO lease (id, holder, epoch, expires_at)
		VALUES (1, $1, 1, now() + make_interval(secs => $2))
		ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, epoch = lease.epoch + 1, expires_at = excluded.expires_at
		WHERE lease.expires_at <= now()
		RETURNING epoch`, s.holder, secs).Scan(&epoch)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil // another replica holds it
	}
	if err != nil {
		return false, fmt.Errorf("take the lease: %w", err)
	}
	s.epoch.Store(epoch)
	return true, nil
}

// TryLead makes one attempt to take (or renew) the lease and reports
// whether this replica leads.
func (s *Store) TryLead(ctx context.Context) (bool, error) { return s.campaign(ctx) }

// Leader returns the holder of the lease and its epoch, or "" when the
// lease has expired.
func (s *Store) Leader(ctx context.Context) (holder string, epoch int64, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	err = s.pool.QueryRow(ctx, `SELECT holder, epoch FROM lease WHERE id = 1 AND expires_at > now()`).Scan(&holder, &epoch)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", 0, nil
	}
	if err != nil {
		return "", 0, fmt.Errorf("read the lease: %w", err)
	}
	return holder, epoch, nil
}

// resign ends this replica's lease now.
func (s *Store) resign(ctx context.Context) error {
	epoch := s.epoch.Swap(0)
	if epoch == 0 {
		return nil
	}
	if _, err := s.pool.Exec(ctx, `UPDATE lease SET expires_at = now() WHERE id = 1 AND holder = $1 AND epoch = $2`, s.holder, epoch); err != nil {
		return fmt.Errorf("give up the lease: %w", err)
	}
	return nil
}

// fence checks, inside a write transaction, that this replica still holds
// the lease with its epoch and that it has not expired, and keeps the lease
// row from being taken over until the transaction ends.
func (s *Store) fence(ctx context.Context, tx pgx.Tx) error {
	epoch := s.epoch.Load()
	if epoch == 0 {
		return alerting.ErrNotLeader
	}
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM lease WHERE id = 1 AND holder = $1 AND epoch = $2 AND expires_at > now() FOR SHARE`,
		s.holder, epoch).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("epoch %d: %w", epoch, alerting.ErrNotLeader)
	}
	if err != nil {
		return fmt.Errorf("check the lease: %w", err)
	}
	return nil
}

// write runs f in a transaction fenced by the lease.
func (s *Store) write(what string, f func(ctx context.Context, tx pgx.Tx) error) error {
	ctx, cancel := s.ctx()
	defer cancel()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback(ctx)
	if err := s.fence(ctx, tx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := f(ctx, tx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
