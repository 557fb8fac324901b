package pgstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/internal/pgtest"
)

var at = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func firing(key string) alerting.Incident {
	return alerting.Incident{Key: key, SLOID: "team/" + key, Kind: alerting.KindBurn, Severity: "page",
		State: alerting.IncidentFiring, StartedAt: at}
}

func queued(key, id string) *alerting.OutboxEntry {
	return &alerting.OutboxEntry{Receiver: "pager", NextAttempt: at,
		Notification: &alerting.Notification{ID: id, IncidentKey: key, Status: alerting.Firing, EvaluatedAt: at}}
}

func TestAnOldLeaderCannotWriteAfterLosingItsLease(t *testing.T) {
	pg := pgtest.Start(t)
	dsn := pg.NewDatabase(t)
	ctx := context.Background()
	a, b := open(t, dsn, "replica-a"), open(t, dsn, "replica-b")
	defer b.Close()
	defer a.Close()

	if ok, err := a.TryLead(ctx); err != nil || !ok {
		t.Fatalf("a.TryLead = %v, %v; want the lease", ok, err)
	}
	if ok, err := b.TryLead(ctx); err != nil || ok {
		t.Fatalf("b.TryLead while a leads = %v, %v; want no lease", ok, err)
	}
	if err := a.Commit([]alerting.Incident{firing("one")}, []*alerting.OutboxEntry{queued("one", "n1")}); err != nil {
		t.Fatalf("the leader's commit: %v", err)
	}
	claimed, err := a.Head("pager")
	if err != nil || claimed == nil {
		t.Fatalf("the leader's claim = %v, %v", claimed, err)
	}
	if _, err := b.Head("pager"); !errors.Is(err, alerting.ErrNotLeader) {
		t.Errorf("a follower's claim: err = %v, want ErrNotLeader", err)
	}

	// a is paused past its lease (2s): even before anyone takes over, its
	// writes are refused.
	time.Sleep(2100 * time.Millisecond)
	if err := a.Commit([]alerting.Incident{firing("two")}, nil); !errors.Is(err, alerting.ErrNotLeader) {
		t.Errorf("commit of a leader whose lease expired: err = %v, want ErrNotLeader", err)
	}
	if ok, err := b.TryLead(ctx); err != nil || !ok {
		t.Fatalf("b.TryLead after a's lease expired = %v, %v; want the lease", ok, err)
	}
	for name, write := range map[string]func() error{
		"commit": func() error {
			return a.Commit([]alerting.Incident{firing("three")}, []*alerting.OutboxEntry{queued("three", "n3")})
		},
		"claim":  func() error { _, err := a.Head("pager"); return err },
		"finish": func() error { return a.Finish(claimed, alerting.DeliverySent, at) },
		"retry":  func() error { return a.Retry(claimed) },
	} {
		if err := write(); !errors.Is(err, alerting.ErrNotLeader) {
			t.Errorf("old leader's %s after the takeover: err = %v, want ErrNotLeader", name, err)
		}
	}
	if ok, err := a.TryLead(ctx); err != nil || ok {
		t.Errorf("old leader's renewal after the takeover = %v, %v; want refused", ok, err)
	}
	open, err := b.OpenIncidents()
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].Key != "one" {
		t.Errorf("open incidents = %d (first %+v), want only the one committed while a led", len(open), open)
	}
	e, err := b.Head("pager")
	if err != nil || e == nil || e.Notification.ID != "n1" {
		t.Errorf("new leader's claim = %+v, %v; want n1, which the old leader could not finish", e, err)
	}
	if holder, epoch, err := b.Leader(ctx); err != nil || holder != "replica-b" || epoch != 2 {
		t.Errorf("Leader = %q epoch %d, %v; want replica-b at epoch 2", holder, epoch, err)
	}
}

func TestAReplicaTakesOverWhenTheLeaderStopsRenewing(t *testing.T) {
	pg := pgtest.Start(t)
	dsn := pg.NewDatabase(t)
	a, b := open(t, dsn, "replica-a"), open(t, dsn, "replica-b")
	defer b.Close()
	defer a.Close()
	// a takes the lease once and never renews it, as if killed.
	if ok, err := a.TryLead(context.Background()); err != nil || !ok {
		t.Fatalf("a.TryLead = %v, %v", ok, err)
	}
	began := time.Now()
	cb := make(chan bool, 4)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go b.Lead(ctx, func(l bool) { cb <- l })
	if !receive(t, cb, 5*time.Second) {
		t.Fatal("b reported not leading")
	}
	if took := time.Since(began); took < 2*time.Second || took > 2*2*time.Second {
		t.Errorf("b took over after %s, want after the 2s lease and within twice it", took)
	}
}

func TestALeaderThatStopsGivesUpItsLease(t *testing.T) {
	pg := pgtest.Start(t)
	dsn := pg.NewDatabase(t)
	a, b := open(t, dsn, "replica-a"), open(t, dsn, "replica-b")
	defer b.Close()
	defer a.Close()
	ca, cb := make(chan bool, 4), make(chan bool, 4)
	ctxA, stopA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	defer stopB()
	go a.Lead(ctxA, func(l bool) { ca <- l })
	if !receive(t, ca, 2*time.Second) {
		t.Fatal("a reported not leading an empty database")
	}
	go b.Lead(ctxB, func(l bool) { cb <- l })
	select {
	case l := <-cb:
		t.Fatalf("b changed to leading=%v while a renews its lease", l)
	case <-time.After(3 * time.Second):
	}
	stopA()
	if receive(t, ca, 2*time.Second) {
		t.Fatal("a reported leading when it stopped")
	}
	began := time.Now()
	if !receive(t, cb, 2*time.Second) {
		t.Fatal("b reported not leading")
	}
	if took := time.Since(began); took > time.Second {
		t.Errorf("b took over %s after a stopped, want within a third of the lease (it resigned)", took)
	}
}

func receive(t *testing.T, c chan bool, within time.Duration) bool {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(within):
		t.Fatalf("no leadership change within %s", within)
		return false
	}
}
