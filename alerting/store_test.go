package alerting

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

func TestACycleReadsNoResolvedIncidentAndOldOnesArePruned(t *testing.T) {
	store, err := OpenStore(filepath.Join(t.TempDir(), "alerts.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	const stored, old = 10000, 2000
	retention := 30 * 24 * time.Hour
	var incidents []Incident
	for i := range stored {
		// The first `old` resolved before the retention, the others after.
		resolved := start.Add(-retention - time.Duration(old-i)*time.Minute)
		if i >= old {
			resolved = start.Add(-time.Duration(stored-i) * time.Minute)
		}
		inc := newIncident(fmt.Sprintf("team/slo-%d", i), KindBurn, slo.Ticket, resolved.Add(-time.Hour))
		inc.State, inc.ResolvedAt, inc.EndReason = IncidentResolved, resolved, EndRecovered
		incidents = append(incidents, inc)
	}
	if err := store.Commit(incidents, nil); err != nil {
		t.Fatal(err)
	}
	m, err := NewManager(ManagerOptions{Store: store, Retention: retention, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	a := lifecycleSLO(t, "a")
	before := store.decodes.Load()
	for i := range 3 {
		at := start.Add(time.Duration(i) * time.Minute)
		if err := m.Process(context.Background(), burnrate.Result{At: at, Statuses: []burnrate.Status{
			eval{a, burnrate.StateOK, []slo.Severity{slo.Page}}.status(at)}}); err != nil {
			t.Fatal(err)
		}
	}
	if n := store.decodes.Load() - before; n != 0 {
		t.Errorf("three cycles decoded %d stored incidents, want none", n)
	}
	left, err := store.Resolved(time.Time{}, stored)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != stored-old {
		t.Errorf("%d resolved incidents left, want %d (those within the retention)", len(left), stored-old)
	}
	for _, inc := range left {
		if inc.ResolvedAt.Before(start.Add(2*time.Minute - retention)) {
			t.Fatalf("incident resolved at %s outlived the retention", inc.ResolvedAt)
		}
	}
	recent, err := m.Incidents(start.Add(-time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != 10 || recent[0].State != IncidentFiring || len(recent[0].Deliveries) != 0 {
		t.Errorf("listing: %d incidents, first %+v; want the open page first", len(recent), recent[0])
	}
}

func TestAStoreOfTheFirstSchemaIsMigrated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alerts.db")
	store, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	// Write what the first schema held: deliveries inside the incident,
	// no index of resolved incidents, the open index keyed by SLO first.
	err = store.db.Update(func(tx *bbolt.Tx) error {
		inc := newIncident("team/a", KindBurn, slo.Page, start)
		inc.Deliveries = []Delivery{{NotificationID: "n1", Receiver: "hook", Status: Firing, State: DeliverySent, Attempts: 2, QueuedAt: start}}
		open := inc
		open.Key = "team/b/burn/page/1"
		open.SLOID = "team/b"
		inc.State, inc.ResolvedAt = IncidentResolved, start.Add(time.Hour)
		for _, i := range []Incident{inc, open} {
			data, err := encode(&i)
			if err != nil {
				return err
			}
			if err := tx.Bucket(bucketIncidents).Put([]byte(i.Key), data); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketOpen).Put([]byte("team/b\x00burn"), []byte(open.Key)); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Delete([]byte("schema"))
	})
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	if store, err = OpenStore(path); err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	all, err := store.Incidents(start.Add(-time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("%d incidents after the migration, want 2", len(all))
	}
	for _, i := range all {
		switch i.State {
		case IncidentResolved:
			if len(i.Deliveries) != 1 || i.Deliveries[0].State != DeliverySent || i.Deliveries[0].Attempts != 2 {
				t.Errorf("resolved incident's deliveries after the migration: %+v", i.Deliveries)
			}
		case IncidentFiring:
			if i.SLOID != "team/b" {
				t.Errorf("open incident %+v", i)
			}
		}
	}
	open, err := store.OpenIncidents()
	if err != nil || len(open) != 1 {
		t.Errorf("open incidents after the migration: %v, %v", open, err)
	}
}
