package alerting_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func testSLO(t *testing.T) *slo.SLO {
	t.Helper()
	set, diags := slo.LoadBytes("spec.yaml", []byte(`version: burnwatch/v1
team: checkout
slos:
  - name: requests-latency
    service: checkout
    objective: 99.9
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}
        threshold: 2s
    traces:
      link: jaeger
      url: http://jaeger.test:16686
`))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return set.SLOs[0]
}

// status builds an evaluation in which the given tiers fire.
func status(s *slo.SLO, at time.Time, state burnrate.State, firing ...slo.Severity) burnrate.Status {
	st := burnrate.Status{SLO: s, At: at, State: state, Budget: burnrate.Budget{Remaining: 0.8}}
	if state == burnrate.StateError {
		st.Reason = "query failed: connection refused"
		return st
	}
	for _, w := range burnrate.Policy(s) {
		a := burnrate.AlertStatus{Window: w, LongBurnRate: 1, ShortBurnRate: 1}
		for _, f := range firing {
			if f == w.Severity {
				a.Firing, a.LongBurnRate, a.ShortBurnRate = true, w.Factor*2, w.Factor*3
			}
		}
		st.Alerts = append(st.Alerts, a)
	}
	return st
}

func openStore(t *testing.T, dir string) *alerting.Store {
	t.Helper()
	st, err := alerting.OpenStore(filepath.Join(dir, "alerts.db"))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

var quiet = slog.New(slog.DiscardHandler)

func newManager(t *testing.T, store *alerting.Store, opts alerting.ManagerOptions) *alerting.Manager {
	t.Helper()
	opts.Store = store
	opts.Logger = quiet
	if opts.Router.Default == nil {
		opts.Router = alerting.Router{Default: []string{"hook"}}
	}
	m, err := alerting.NewManager(opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// drain reads and removes every queued notification of a receiver, as one
// line each: "firing page", "resolved ticket (repeat)".
func drain(t *testing.T, store *alerting.Store, receiver string) []string {
	t.Helper()
	var out []string
	for {
		e, err := store.Head(receiver)
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			return out
		}
		n := e.Notification
		line := fmt.Sprintf("%s %s %s", n.Kind, n.Status, n.Severity)
		if n.Repeat {
			line += " (repeat)"
		}
		out = append(out, line)
		if err := store.Finish(e, alerting.DeliverySent, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
}

func process(t *testing.T, m *alerting.Manager, sts ...burnrate.Status) {
	t.Helper()
	if err := m.Process(context.Background(), burnrate.Result{At: sts[0].At, Statuses: sts}); err != nil {
		t.Fatal(err)
	}
}

func TestLifecycleOfAPage(t *testing.T) {
	s := testSLO(t)
	store := openStore(t, t.TempDir())
	defer store.Close()
	m := newManager(t, store, alerting.ManagerOptions{RepeatInterval: time.Hour})
	steps := []struct {
		at     time.Duration
		firing []slo.Severity
		want   []string
	}{
		{0, nil, nil},
		{time.Minute, []slo.Severity{slo.Ticket}, []string{"burn firing ticket"}},
		{2 * time.Minute, []slo.Severity{slo.Ticket}, nil},
		// The page takes over: the ticket resolves, the page fires.
		{3 * time.Minute, []slo.Severity{slo.Page, slo.Ticket}, []string{"burn resolved ticket", "burn firing page"}},
		{30 * time.Minute, []slo.Severity{slo.Page, slo.Ticket}, nil},
		{63 * time.Minute, []slo.Severity{slo.Page}, []string{"burn firing page (repeat)"}},
		{70 * time.Minute, nil, []string{"burn resolved page"}},
		{71 * time.Minute, nil, nil},
	}
	for _, step := range steps {
		process(t, m, status(s, t0.Add(step.at), burnrate.StateOK, step.firing...))
		got := drain(t, store, "hook")
		if strings.Join(got, "; ") != strings.Join(step.want, "; ") {
			t.Errorf("at +%s: notifications %q, want %q", step.at, got, step.want)
		}
	}
	incidents, err := store.Incidents(t0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(incidents) != 2 || incidents[0].Severity != "page" || incidents[0].State != alerting.IncidentResolved {
		t.Fatalf("incidents: %+v", incidents)
	}
	if got := len(incidents[0].Deliveries); got != 3 {
		t.Errorf("page incident has %d deliveries, want 3 (trigger, repeat, resolve)", got)
	}
}

func TestARestartNeitherRepeatsNorForgetsAnIncident(t *testing.T) {
	s := testSLO(t)
	dir := t.TempDir()
	store := openStore(t, dir)
	m := newManager(t, store, alerting.ManagerOptions{})
	process(t, m, status(s, t0, burnrate.StateOK, slo.Page))
	if got := drain(t, store, "hook"); len(got) != 1 {
		t.Fatalf("first page: %q", got)
	}
	store.Close()

	store = openStore(t, dir)
	defer store.Close()
	m = newManager(t, store, alerting.ManagerOptions{})
	process(t, m, status(s, t0.Add(time.Minute), burnrate.StateOK, slo.Page))
	if got := drain(t, store, "hook"); len(got) != 0 {
		t.Errorf("after a restart the same incident notified again: %q", got)
	}
	process(t, m, status(s, t0.Add(2*time.Minute), burnrate.StateOK))
	if got := drain(t, store, "hook"); strings.Join(got, ";") != "burn resolved page" {
		t.Errorf("after a restart the resolve was %q, want the page resolved", got)
	}
}

func TestEvaluationFailingNotifiesOnceAfterNCycles(t *testing.T) {
	s := testSLO(t)
	store := openStore(t, t.TempDir())
	defer store.Close()
	m := newManager(t, store, alerting.ManagerOptions{FailingCycles: 3})
	var got []string
	for i := range 6 {
		process(t, m, status(s, t0.Add(time.Duration(i)*time.Minute), burnrate.StateError))
		got = append(got, drain(t, store, "hook")...)
		if i == 1 && len(got) > 0 {
			t.Errorf("notified after %d failed cycles: %q", i+1, got)
		}
	}
	process(t, m, status(s, t0.Add(7*time.Minute), burnrate.StateOK))
	got = append(got, drain(t, store, "hook")...)
	want := "evaluation_failing firing ticket; evaluation_failing resolved ticket"
	if strings.Join(got, "; ") != want {
		t.Errorf("notifications %q, want %q", got, want)
	}
}

func TestNoDataOpensAnIncidentAfterItsDelay(t *testing.T) {
	s := testSLO(t)
	store := openStore(t, t.TempDir())
	defer store.Close()
	m := newManager(t, store, alerting.ManagerOptions{NoDataAfter: 10 * time.Minute})
	var got []string
	for i := 0; i <= 12; i += 2 {
		process(t, m, status(s, t0.Add(time.Duration(i)*time.Minute), burnrate.StateNoData))
		got = append(got, drain(t, store, "hook")...)
	}
	process(t, m, status(s, t0.Add(13*time.Minute), burnrate.StateOK))
	got = append(got, drain(t, store, "hook")...)
	if want := "no_data firing ticket; no_data resolved ticket"; strings.Join(got, "; ") != want {
		t.Errorf("notifications %q, want %q", got, want)
	}
}

func TestRoutesPickReceivers(t *testing.T) {
	s := testSLO(t)
	r := alerting.Router{
		Routes: []alerting.Route{
			{Match: alerting.Match{Teams: []string{"checkout"}, Severities: []string{"page"}}, Receivers: []string{"pd"}, Continue: true},
			{Match: alerting.Match{Teams: []string{"checkout"}}, Receivers: []string{"slack-checkout"}},
			{Match: alerting.Match{Labels: map[string]string{"tier": "1"}}, Receivers: []string{"never"}},
		},
		Default: []string{"hook"},
	}
	tests := []struct {
		severity string
		kind     alerting.Kind
		s        *slo.SLO
		want     string
	}{
		{"page", alerting.KindBurn, s, "pd slack-checkout"},
		{"ticket", alerting.KindBurn, s, "slack-checkout"},
		{"ticket", alerting.KindEvaluationFailing, nil, "hook"},
	}
	for _, tt := range tests {
		if got := strings.Join(r.Receivers(tt.s, tt.severity, tt.kind), " "); got != tt.want {
			t.Errorf("%s %s: receivers %q, want %q", tt.kind, tt.severity, got, tt.want)
		}
	}
}

// flakyReceiver fails (retryably) until it is told to recover, and records
// what it delivered.
type flakyReceiver struct {
	mu        sync.Mutex
	down      bool
	reject    string // incident key answered with a non-retryable error
	delivered []string
}

func (f *flakyReceiver) Name() string { return "flaky" }

func (f *flakyReceiver) Notify(_ context.Context, n *alerting.Notification) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return true, errors.New("503 Service Unavailable")
	}
	if n.IncidentKey == f.reject {
		return false, errors.New("400 Bad Request")
	}
	f.delivered = append(f.delivered, fmt.Sprintf("%s %s", n.Status, n.Severity))
	return false, nil
}

func (f *flakyReceiver) set(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

func (f *flakyReceiver) got() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.delivered...)
}

func TestAnIncidentDuringAnOutageIsDeliveredInOrderAfterIt(t *testing.T) {
	s := testSLO(t)
	store := openStore(t, t.TempDir())
	defer store.Close()
	recv := &flakyReceiver{down: true}
	d := alerting.NewDispatcher(alerting.DispatcherOptions{Store: store, Logger: quiet, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, Poll: 10 * time.Millisecond})
	d.SetReceivers(map[string]alerting.Receiver{"hook": recv})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	m := newManager(t, store, alerting.ManagerOptions{Queued: d.Wake})
	process(t, m, status(s, t0, burnrate.StateOK, slo.Page))
	time.Sleep(50 * time.Millisecond)
	process(t, m, status(s, t0.Add(time.Minute), burnrate.StateOK))
	time.Sleep(50 * time.Millisecond)
	if got := recv.got(); len(got) != 0 {
		t.Fatalf("delivered during the outage: %q", got)
	}
	recv.set(false)
	var incidents []*alerting.Incident
	waitFor(t, func() bool {
		incidents, _ = store.Incidents(t0, 1)
		depth, _ := store.Depth()
		return depth["hook"] == 0 && len(incidents) == 1 && incidents[0].Deliveries[1].State == alerting.DeliverySent
	})
	if got := strings.Join(recv.got(), "; "); got != "firing page; resolved page" {
		t.Errorf("delivered %q, want the trigger then the resolve", got)
	}
	trigger, resolve := incidents[0].Deliveries[0], incidents[0].Deliveries[1]
	if trigger.State != alerting.DeliverySent || trigger.Attempts < 2 || !trigger.SentAt.Before(resolve.SentAt) {
		t.Errorf("trigger %+v: want sent after retries, before the resolve", trigger)
	}
	if resolve.State != alerting.DeliverySent || resolve.Attempts != 1 {
		t.Errorf("resolve %+v: want sent at the first attempt, once the trigger was through", resolve)
	}
}

func TestANonRetryableAnswerIsGivenUpAndTheQueueMovesOn(t *testing.T) {
	s := testSLO(t)
	store := openStore(t, t.TempDir())
	defer store.Close()
	m := newManager(t, store, alerting.ManagerOptions{})
	process(t, m, status(s, t0, burnrate.StateOK, slo.Ticket))
	open := m.Open()
	recv := &flakyReceiver{reject: open[0].Key}
	process(t, m, status(s, t0.Add(time.Minute), burnrate.StateOK, slo.Page, slo.Ticket))
	d := alerting.NewDispatcher(alerting.DispatcherOptions{Store: store, Logger: quiet, Poll: 10 * time.Millisecond})
	d.SetReceivers(map[string]alerting.Receiver{"hook": recv})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	waitFor(t, func() bool { return len(recv.got()) == 1 })
	if got := strings.Join(recv.got(), "; "); got != "firing page" {
		t.Errorf("delivered %q, want only the page (the ticket's two notifications were rejected)", got)
	}
	incidents, _ := store.Incidents(t0, 5)
	failed := 0
	for _, inc := range incidents {
		for _, del := range inc.Deliveries {
			if del.State == alerting.DeliveryFailed {
				failed++
				if !strings.Contains(del.LastError, "400") {
					t.Errorf("failed delivery without its error: %+v", del)
				}
			}
		}
	}
	if failed != 2 {
		t.Errorf("%d failed deliveries recorded, want 2", failed)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
