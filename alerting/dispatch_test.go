package alerting_test

import (
	"context"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// A replica that loses the lead stops its dispatcher and runs it again when
// it leads again: the workers of the second run deliver what was queued
// meanwhile, and receivers set between the runs are the ones used.
func TestADispatcherDeliversAgainWhenRunAgain(t *testing.T) {
	s := testSLO(t)
	store := openStore(t, t.TempDir())
	defer store.Close()
	d := alerting.NewDispatcher(alerting.DispatcherOptions{Store: store, Logger: quiet, Poll: 10 * time.Millisecond})
	first := &flakyReceiver{}
	d.SetReceivers(map[string]alerting.Receiver{"hook": first})
	run := func() (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { d.Run(ctx); close(done) }()
		return func() { cancel(); <-done }
	}
	m := newManager(t, store, alerting.ManagerOptions{Queued: d.Wake})

	stop := run()
	process(t, m, status(s, t0, burnrate.StateOK, slo.Page))
	waitFor(t, func() bool { return len(first.got()) == 1 })
	stop()

	// Between the runs: a resolve is queued and the receiver replaced.
	second := &flakyReceiver{}
	d.SetReceivers(map[string]alerting.Receiver{"hook": second})
	process(t, m, status(s, t0.Add(time.Minute), burnrate.StateOK))
	time.Sleep(30 * time.Millisecond)
	if got := second.got(); len(got) != 0 {
		t.Fatalf("delivered %v while the dispatcher was stopped", got)
	}
	stop = run()
	defer stop()
	waitFor(t, func() bool { return len(second.got()) == 1 })
	if got := second.got(); got[0] != "resolved page" {
		t.Errorf("the second run delivered %v, want the resolve", got)
	}
	if got := first.got(); len(got) != 1 {
		t.Errorf("the replaced receiver got %v, want only the trigger", got)
	}
}
