// Package pgstore keeps alert state in PostgreSQL, so that several
// burnwatch replicas share it: incidents, their delivery records and the
// outbox, as alerting.Store keeps them in a local file, plus the lease that
// says which replica leads. The schema is migrated when the store opens.
//
// Every write (a commit of incidents, an outbox claim, a delivery outcome,
// pruning) first checks in the same transaction that this replica still
// holds the lease with the epoch it acquired (fencing): a replica that was
// paused or cut off past its lease cannot write once another has taken
// over, whatever its own clock says.
package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/burnwatch/burnwatch/alerting"
)

// Options configure a Store.
type Options struct {
	// DSN is the database's address (a secret: it may hold a password).
	DSN string
	// Lease is how long a leader's lease lasts without renewal (default
	// 15s); it is renewed every third of it.
	Lease time.Duration
	// Holder names this replica in the lease (default host name, process
	// id and a random suffix).
	Holder string
	// Timeout bounds one operation on the database (default 10s).
	Timeout time.Duration
	Logger  *slog.Logger
}

// Store is an alerting.Storage on PostgreSQL.
type Store struct {
	pool    *pgxpool.Pool
	holder  string
	lease   time.Duration
	timeout time.Duration
	log     *slog.Logger
	// address is the database's host:port/database, without credentials.
	address string
	// epoch is the lease epoch this replica holds, 0 when it does not lead.
	epoch atomic.Int64
}

var _ alerting.Storage = (*Store)(nil)

// Open connects to the database and migrates its schema: New, then
// Connect.
func Open(ctx context.Context, opts Options) (*Store, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	if err := s.Connect(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

// New makes a Store without reaching the database: only a DSN that does
// not parse is an error. Connect must succeed before the store is used or
// campaigns for the lease; until then its operations fail.
func New(opts Options) (*Store, error) {
	if opts.Lease <= 0 {
		opts.Lease = 15 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Holder == "" {
		opts.Holder = defaultHolder()
	}
	cfg, err := pgxpool.ParseConfig(opts.DSN)
	if err != nil {
		// The parser's error may quote the DSN; say only what is wrong.
		return nil, fmt.Errorf("alert store on PostgreSQL: the DSN does not parse")
	}
	// The pool connects when a connection is first needed, not here.
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("alert store on PostgreSQL: %w", err)
	}
	cc := cfg.ConnConfig
	address := fmt.Sprintf("%s/%s", net.JoinHostPort(cc.Host, strconv.Itoa(int(cc.Port))), cc.Database)
	return &Store{pool: pool, holder: opts.Holder, lease: opts.Lease, timeout: opts.Timeout, log: opts.Logger, address: address}, nil
}

// Connect reaches the database and migrates its schema. It makes one
// attempt, bounded by the store's timeout; a caller that must wait for the
// database calls it again.
func (s *Store) Connect(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("alert store on PostgreSQL at %s: connect: %w", s.address, err)
	}
	if err := s.migrate(ctx); err != nil {
		return fmt.Errorf("alert store on PostgreSQL at %s: migrate the schema: %w", s.address, err)
	}
	return nil
}

// Address says where the database is, host:port/database, with no
// credentials: for logs and readiness.
func (s *Store) Address() string { return s.address }

// LeaseDuration is how long the leader's lease lasts without renewal.
func (s *Store) LeaseDuration() time.Duration { return s.lease }

// Close gives up the lease, if this replica holds it, so that another
// takes over at once, and closes the connections.
func (s *Store) Close() error {
	ctx, cancel := s.ctx()
	defer cancel()
	err := s.resign(ctx)
	s.pool.Close()
	return err
}

// Holder is the name of this replica in the lease.
func (s *Store) Holder() string { return s.holder }

func (s *Store) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), s.timeout)
}

func defaultHolder() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}
