package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/pgstore"
	"github.com/burnwatch/burnwatch/internal/secret"
)

// Where alert state is kept: a bbolt file in the data directory by
// default (one replica, nothing to set up), or a PostgreSQL database that
// several replicas share, one of them leading.

// StoreConfig is the store section of burnwatch.yaml.
type StoreConfig struct {
	// Postgres, when set, keeps alert state in PostgreSQL instead of the
	// data directory, and lets several replicas share it.
	Postgres *PostgresConfig `yaml:"postgres"`
}

// PostgresConfig is store.postgres.
type PostgresConfig struct {
	// DSN is the database's address, a secret read from a file or an
	// environment variable ("postgres://burnwatch:…@db:5432/burnwatch").
	DSN secret.Secret `yaml:"dsn"`
	// Lease is how long the leader's lease lasts without renewal (default
	// 15s): a new leader delivers within twice this after the old one dies.
	Lease Duration `yaml:"lease"`
}

// validateStore checks the store section and resolves its DSN.
func (c *Config) validateStore(fail func(path, format string, args ...any), resolve func(path string, s *secret.Secret)) {
	p := c.Store.Postgres
	if p == nil {
		return
	}
	if !p.DSN.Set() {
		fail("store.postgres.dsn", "set the database's address, from a file or an environment variable")
	} else {
		resolve("store.postgres.dsn", &p.DSN)
	}
	if l := time.Duration(p.Lease); l != 0 && l < time.Second {
		fail("store.postgres.lease", "%s is shorter than 1s", l)
	}
}

// leaseHolder is a store whose replicas take turns leading.
type leaseHolder interface {
	// Connect makes one attempt to reach the store and prepare it; the
	// store is used, and its lease campaigned for, only once it succeeds.
	Connect(ctx context.Context) error
	// Address says where the store is, without credentials.
	Address() string
	// LeaseDuration is how long the lease lasts without renewal.
	LeaseDuration() time.Duration
	// Lead campaigns for the lease until ctx ends, calling onChange when
	// this replica starts or stops leading.
	Lead(ctx context.Context, onChange func(leading bool))
	// Holder names this replica in the lease.
	Holder() string
	// Leader returns the current holder of the lease, "" if none.
	Leader(ctx context.Context) (holder string, epoch int64, err error)
}

// openStorage opens the configured store. A shared one comes with its
// lease, and is not reached here: the daemon starts, serves and waits for
// it (connectStore). The bbolt file has no lease: its one replica always
// leads.
func openStorage(cfg *Config, d *Daemon) (alerting.Storage, leaseHolder, error) {
	p := cfg.Store.Postgres
	if p == nil {
		s, err := alerting.OpenStore(filepath.Join(cfg.DataDir, "alerts.db"))
		return s, nil, err
	}
	s, err := pgstore.New(pgstore.Options{DSN: p.DSN.Value(), Lease: time.Duration(p.Lease), Logger: d.log})
	if err != nil {
		return nil, nil, fmt.Errorf("config %s: store.postgres: %w", cfg.path, redactErr(d.redactor, err))
	}
	return s, s, nil
}

// Retries of a shared store that cannot be reached wait from
// storeRetryFirst, doubling, up to storeRetryMax.
const (
	storeRetryFirst = time.Second
	storeRetryMax   = 30 * time.Second
)

// connectStore tries to reach the shared store until it succeeds or ctx
// ends, and reports whether it did. Each failure is logged with the
// store's address: as a warning at first, as an error once the store has
// been out of reach for longer than a lease, when no replica can lead.
func (d *Daemon) connectStore(ctx context.Context) bool {
	began := time.Now()
	wait := storeRetryFirst
	for attempt := 1; ; attempt++ {
		err := d.lease.Connect(ctx)
		if err == nil {
			d.storeReached.Store(true)
			if attempt > 1 {
				d.log.Info("reached the alert store", "store", "postgres", "address", d.lease.Address(),
					"attempts", attempt, "after", time.Since(began).Round(time.Millisecond))
			}
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		level := slog.LevelWarn
		if time.Since(began) >= d.lease.LeaseDuration() {
			level = slog.LevelError
		}
		d.log.Log(ctx, level, "cannot reach the alert store; not ready and not leading until it answers",
			"store", "postgres", "address", d.lease.Address(), "attempt", attempt, "retry_in", wait, "err", err)
		if !sleepUntil(ctx, time.Now().Add(wait)) {
			return false
		}
		wait = min(2*wait, storeRetryMax)
	}
}
