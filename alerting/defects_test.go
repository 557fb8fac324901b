package alerting_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// notes reads and removes every queued notification of a receiver.
func notes(t *testing.T, store *alerting.Store, receiver string) []*alerting.Notification {
	t.Helper()
	var out []*alerting.Notification
	for {
		e, err := store.Head(receiver)
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			return out
		}
		out = append(out, e.Notification)
		if err := store.Finish(e, alerting.DeliverySent, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMissingDataHoldsAPageOpenAndOpensANoDataIncident(t *testing.T) {
	s := testSLO(t)
	store := openStore(t, t.TempDir())
	defer store.Close()
	m := newManager(t, store, alerting.ManagerOptions{NoDataAfter: 10 * time.Minute, RepeatInterval: 5 * time.Minute})
	process(t, m, status(s, t0, burnrate.StateOK, slo.Page))
	notes(t, store, "hook")
	var got []*alerting.Notification
	for i := 1; i <= 12; i++ {
		process(t, m, status(s, t0.Add(time.Duration(i)*time.Minute), burnrate.StateNoData))
		got = append(got, notes(t, store, "hook")...)
	}
	var lines []string
	for _, n := range got {
		lines = append(lines, string(n.Kind)+" "+string(n.Status))
		if n.Kind == alerting.KindBurn && n.Status == alerting.Resolved {
			t.Errorf("the page resolved on missing data: %q", n.Summary)
		}
		if n.Kind == alerting.KindBurn && n.Status == alerting.Firing && !n.NoDataSince.Equal(t0.Add(time.Minute)) {
			t.Errorf("a reminder of the held page says no data since %v, want %v", n.NoDataSince, t0.Add(time.Minute))
		}
	}
	if want := "burn firing; burn firing; no_data firing"; strings.Join(lines, "; ") != want {
		t.Errorf("notifications while data is missing: %q, want %q", lines, want)
	}
	if open := m.Open(); len(open) != 2 {
		t.Errorf("%d open incidents while data is missing, want the held page and the no-data incident", len(open))
	}
	process(t, m, status(s, t0.Add(13*time.Minute), burnrate.StateOK))
	lines = nil
	for _, n := range notes(t, store, "hook") {
		lines = append(lines, string(n.Kind)+" "+string(n.Status)+" "+string(n.EndReason))
	}
	if want := "no_data resolved recovered; burn resolved recovered"; strings.Join(lines, "; ") != want {
		t.Errorf("notifications when data returns: %q, want %q", lines, want)
	}
}

func TestAFailingEvaluationResolvesNothing(t *testing.T) {
	s := testSLO(t)
	store := openStore(t, t.TempDir())
	defer store.Close()
	m := newManager(t, store, alerting.ManagerOptions{FailingCycles: 100})
	process(t, m, status(s, t0, burnrate.StateOK, slo.Page))
	notes(t, store, "hook")
	for i := 1; i <= 5; i++ {
		process(t, m, status(s, t0.Add(time.Duration(i)*time.Minute), burnrate.StateError))
	}
	if got := notes(t, store, "hook"); len(got) != 0 {
		t.Errorf("failing evaluations notified %d times, first %q", len(got), got[0].Summary)
	}
	if open := m.Open(); len(open) != 1 || open[0].Severity != slo.Page {
		t.Errorf("open incidents after failing evaluations: %+v", open)
	}
}

func TestATakeoverByThePageClosesTheTicketAsEscalated(t *testing.T) {
	s := testSLO(t)
	store := openStore(t, t.TempDir())
	defer store.Close()
	m := newManager(t, store, alerting.ManagerOptions{})
	process(t, m, status(s, t0, burnrate.StateOK, slo.Ticket))
	notes(t, store, "hook")
	process(t, m, status(s, t0.Add(time.Minute), burnrate.StateOK, slo.Page, slo.Ticket))
	got := notes(t, store, "hook")
	if len(got) != 2 {
		t.Fatalf("%d notifications at the takeover, want the ticket's end and the page", len(got))
	}
	end := got[0]
	if end.Severity != "ticket" || end.Status != alerting.Resolved || end.EndReason != alerting.EndEscalated {
		t.Errorf("the ticket ended as %s %s %q, want resolved ticket with end reason escalated", end.Status, end.Severity, end.EndReason)
	}
	if !strings.Contains(end.Summary, "escalated to page") || strings.Contains(end.Summary, "no longer burns") {
		t.Errorf("the ticket's end says %q, want it to say it escalated to page", end.Summary)
	}
}

func TestAnSLORemovedFromTheSpecsClosesItsIncidentsAsRemoved(t *testing.T) {
	s := testSLO(t)
	store := openStore(t, t.TempDir())
	defer store.Close()
	m := newManager(t, store, alerting.ManagerOptions{})
	process(t, m, status(s, t0, burnrate.StateOK, slo.Page))
	notes(t, store, "hook")
	if err := m.Process(context.Background(), burnrate.Result{At: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	got := notes(t, store, "hook")
	if len(got) != 1 || got[0].Status != alerting.Resolved || got[0].EndReason != alerting.EndSLORemoved {
		t.Fatalf("notifications after the SLO was removed: %+v, want one resolve with end reason slo_removed", got)
	}
	if strings.Contains(got[0].Summary, "no longer burns") {
		t.Errorf("the removal reads as a recovery: %q", got[0].Summary)
	}
}

func TestDeliveryRecordsNeverGoBackwards(t *testing.T) {
	s := testSLO(t)
	store := openStore(t, t.TempDir())
	defer store.Close()
	recv := &flakyReceiver{}
	d := alerting.NewDispatcher(alerting.DispatcherOptions{Store: store, Logger: quiet, Poll: 5 * time.Millisecond})
	d.SetReceivers(map[string]alerting.Receiver{"hook": recv})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	m := newManager(t, store, alerting.ManagerOptions{Queued: d.Wake})
	process(t, m, status(s, t0, burnrate.StateOK, slo.Page))
	waitFor(t, func() bool { return len(recv.got()) == 1 })
	waitFor(t, func() bool { depth, _ := store.Depth(); return depth["hook"] == 0 })
	process(t, m, status(s, t0.Add(time.Minute), burnrate.StateOK))
	waitFor(t, func() bool { return len(recv.got()) == 2 })
	waitFor(t, func() bool { depth, _ := store.Depth(); return depth["hook"] == 0 })
	incidents, err := store.Incidents(t0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(incidents) != 1 || len(incidents[0].Deliveries) != 2 {
		t.Fatalf("incidents %+v, want one with two deliveries", incidents)
	}
	for _, del := range incidents[0].Deliveries {
		if del.State != alerting.DeliverySent || del.Attempts != 1 {
			t.Errorf("%s delivery recorded as %s after %d attempts, want sent after 1", del.Status, del.State, del.Attempts)
		}
	}
}

func TestMissingDataIsCountedFromWhenItBeganAcrossARestart(t *testing.T) {
	s := testSLO(t)
	dir := t.TempDir()
	store := openStore(t, dir)
	m := newManager(t, store, alerting.ManagerOptions{NoDataAfter: 10 * time.Minute})
	process(t, m, status(s, t0, burnrate.StateOK, slo.Page))
	for i := 1; i <= 6; i++ {
		process(t, m, status(s, t0.Add(time.Duration(i)*time.Minute), burnrate.StateNoData))
	}
	notes(t, store, "hook")
	store.Close()

	store = openStore(t, dir)
	defer store.Close()
	m = newManager(t, store, alerting.ManagerOptions{NoDataAfter: 10 * time.Minute})
	var opened time.Time
	for i := 7; i <= 16; i++ {
		at := t0.Add(time.Duration(i) * time.Minute)
		process(t, m, status(s, at, burnrate.StateNoData))
		for _, n := range notes(t, store, "hook") {
			if n.Kind == alerting.KindNoData && opened.IsZero() {
				opened = at
			}
		}
	}
	if want := t0.Add(11 * time.Minute); !opened.Equal(want) {
		t.Errorf("no-data incident opened at %s, want %s: ten minutes after data went missing, restart or not", opened.Format(time.TimeOnly), want.Format(time.TimeOnly))
	}
}

func TestEveryNotificationOfAnIncidentGoesWhereItsTriggerWent(t *testing.T) {
	s := testSLO(t)
	dir := t.TempDir()
	store := openStore(t, dir)
	byTeam := alerting.Router{Routes: []alerting.Route{{Match: alerting.Match{Teams: []string{"checkout"}}, Receivers: []string{"checkout-pager"}}}, Default: []string{"hook"}}
	m := newManager(t, store, alerting.ManagerOptions{Router: byTeam})
	process(t, m, status(s, t0, burnrate.StateOK, slo.Page))
	if got := drain(t, store, "checkout-pager"); len(got) != 1 {
		t.Fatalf("trigger to the team's receiver: %q", got)
	}
	store.Close()

	// After a restart the SLO is gone: its resolve cannot be routed by its
	// team any more, and must still reach the receiver of its trigger.
	store = openStore(t, dir)
	defer store.Close()
	m = newManager(t, store, alerting.ManagerOptions{Router: byTeam})
	if err := m.Process(context.Background(), burnrate.Result{At: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if got := drain(t, store, "checkout-pager"); strings.Join(got, "; ") != "burn resolved page" {
		t.Errorf("the team's receiver got %q, want the resolve", got)
	}
	if got := drain(t, store, "hook"); len(got) != 0 {
		t.Errorf("the default receiver got %q, which never had the trigger", got)
	}
}
