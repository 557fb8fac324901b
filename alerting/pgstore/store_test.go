package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/pgstore"
	"github.com/burnwatch/burnwatch/alerting/storetest"
	"github.com/burnwatch/burnwatch/internal/pgtest"
)

func TestThePostgreSQLStoreConforms(t *testing.T) {
	pg := pgtest.Start(t)
	storetest.Run(t, func(t *testing.T) alerting.Storage {
		s := open(t, pg.NewDatabase(t), "replica-a")
		if ok, err := s.TryLead(context.Background()); err != nil || !ok {
			t.Fatalf("TryLead = %v, %v; want the lease of an empty database", ok, err)
		}
		return s
	})
}

func open(t *testing.T, dsn, holder string) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(context.Background(), pgstore.Options{DSN: dsn, Holder: holder, Lease: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
