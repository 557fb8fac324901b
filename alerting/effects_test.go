package alerting_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// failingStore fails its commits while fail is set.
type failingStore struct {
	*alerting.Store
	fail bool
}

func (f *failingStore) Commit(incidents []alerting.Incident, queue []*alerting.OutboxEntry) error {
	if f.fail {
		return errors.New("write alerts.db: no space left on device")
	}
	return f.Store.Commit(incidents, queue)
}

func TestAFailedCommitLeavesMemoryEqualToDisk(t *testing.T) {
	s := testSLO(t)
	store := &failingStore{Store: openStore(t, t.TempDir())}
	defer store.Close()
	m, err := alerting.NewManager(alerting.ManagerOptions{Store: store, Router: alerting.Router{Default: []string{"hook"}}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	sameAsDisk := func(when string) {
		t.Helper()
		disk, err := store.OpenIncidents()
		if err != nil {
			t.Fatal(err)
		}
		mem := m.Open()
		if len(disk) != len(mem) {
			t.Fatalf("%s: %d open incidents in memory, %d on disk", when, len(mem), len(disk))
		}
		for i := range mem {
			if mem[i].Key != disk[i].Key || mem[i].State != disk[i].State {
				t.Errorf("%s: memory has %s %s, disk %s %s", when, mem[i].Key, mem[i].State, disk[i].Key, disk[i].State)
			}
		}
	}
	store.fail = true
	if err := m.Process(context.Background(), burnrate.Result{At: t0, Statuses: []burnrate.Status{status(s, t0, burnrate.StateOK, slo.Page)}}); err == nil {
		t.Fatal("a failed commit was not reported")
	}
	sameAsDisk("after the trigger's commit failed")
	store.fail = false
	process(t, m, status(s, t0.Add(time.Minute), burnrate.StateOK, slo.Page))
	sameAsDisk("after the trigger's commit")
	if got := drain(t, store.Store, "hook"); strings.Join(got, "; ") != "burn firing page" {
		t.Errorf("notifications once the commit works: %q, want one trigger", got)
	}
	store.fail = true
	if err := m.Process(context.Background(), burnrate.Result{At: t0.Add(2 * time.Minute), Statuses: []burnrate.Status{status(s, t0.Add(2*time.Minute), burnrate.StateOK)}}); err == nil {
		t.Fatal("a failed commit was not reported")
	}
	sameAsDisk("after the resolve's commit failed")
	store.fail = false
	process(t, m, status(s, t0.Add(3*time.Minute), burnrate.StateOK))
	sameAsDisk("after the resolve's commit")
	if got := drain(t, store.Store, "hook"); strings.Join(got, "; ") != "burn resolved page" {
		t.Errorf("notifications once the commit works again: %q, want one resolve", got)
	}
}

// exemplarDB answers exemplar queries from a list that a test fills as
// time goes on, and counts the queries.
type exemplarDB struct {
	mu      sync.Mutex
	series  []alerting.ExemplarSeries
	queries int
	err     error
}

func (db *exemplarDB) QueryExemplars(_ context.Context, _ string, start, end time.Time) ([]alerting.ExemplarSeries, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.queries++
	if db.err != nil {
		return nil, db.err
	}
	var out []alerting.ExemplarSeries
	for _, s := range db.series {
		var in []alerting.Exemplar
		for _, e := range s.Exemplars {
			if !e.At.Before(start) && !e.At.After(end) {
				in = append(in, e)
			}
		}
		if len(in) > 0 {
			out = append(out, alerting.ExemplarSeries{SeriesLabels: s.SeriesLabels, Exemplars: in})
		}
	}
	return out, nil
}

func (db *exemplarDB) add(series map[string]string, traceID string, ms float64, at time.Time) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.series = append(db.series, alerting.ExemplarSeries{SeriesLabels: series, Exemplars: []alerting.Exemplar{
		{Labels: map[string]string{"trace_id": traceID}, Value: ms, At: at},
	}})
}

var (
	okSeries    = map[string]string{"service_name": "checkout", "status_code": "STATUS_CODE_UNSET", "le": "5000"}
	errorSeries = map[string]string{"service_name": "checkout", "status_code": "STATUS_CODE_ERROR", "le": "100"}
)

func TestTraceLinksThatArriveAfterThePageAreAttachedAndSentOnce(t *testing.T) {
	s := testSLO(t)
	store := openStore(t, t.TempDir())
	defer store.Close()
	db := &exemplarDB{}
	// Before the incident: a fast trace, a slow one from long before, and
	// fast failures, none of which a latency page may link.
	db.add(okSeries, "fast", 120, t0.Add(-2*time.Minute))
	db.add(okSeries, "long-before", 3000, t0.Add(-3*time.Hour))
	db.add(errorSeries, "fast-failure", 75, t0.Add(-time.Minute))
	m := newManager(t, store, alerting.ManagerOptions{Exemplars: db, MaxTraces: 2})

	process(t, m, status(s, t0, burnrate.StateOK, slo.Page))
	trigger := notes(t, store, "hook")
	if len(trigger) != 1 || len(trigger[0].Traces) != 0 {
		t.Fatalf("trigger %+v: want one without trace links", trigger)
	}
	if want := "no exemplar above 2s in Prometheus yet"; !strings.Contains(trigger[0].TracesNote, want) {
		t.Errorf("trigger's traces note %q, want it to say %q", trigger[0].TracesNote, want)
	}

	// The Collector's next flush brings a slow exemplar from inside the
	// incident.
	db.add(okSeries, "slow", 3500, t0.Add(30*time.Second))
	process(t, m, status(s, t0.Add(time.Minute), burnrate.StateOK, slo.Page))
	update := notes(t, store, "hook")
	if len(update) != 1 || update[0].Status != alerting.Updated || len(update[0].Traces) != 1 || update[0].Traces[0].TraceID != "slow" {
		t.Fatalf("after the slow exemplar arrived: %+v, want one update with the slow trace", update)
	}
	if open := m.Open(); len(open) != 1 || len(open[0].Traces) != 1 {
		t.Errorf("open incident %+v: want the slow trace attached", open)
	}

	db.add(okSeries, "slower", 4000, t0.Add(90*time.Second))
	process(t, m, status(s, t0.Add(2*time.Minute), burnrate.StateOK, slo.Page))
	if got := notes(t, store, "hook"); len(got) != 0 {
		t.Errorf("a second update went out: %+v", got)
	}
	open := m.Open()
	if len(open) != 1 || len(open[0].Traces) != 2 || open[0].Traces[0].TraceID != "slower" {
		t.Fatalf("open incident traces %+v, want slower then slow", open[0].Traces)
	}
	queries := db.queries
	process(t, m, status(s, t0.Add(3*time.Minute), burnrate.StateOK, slo.Page))
	if db.queries != queries {
		t.Errorf("an incident with MaxTraces links was looked up again (%d queries)", db.queries-queries)
	}
}

func TestAnErrorsSLOLinksOnlyFailures(t *testing.T) {
	set, diags := slo.LoadBytes("spec.yaml", []byte(`version: burnwatch/v1
team: checkout
slos:
  - name: requests-errors
    service: checkout
    objective: 99.9
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="checkout"}
`))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	s := set.SLOs[0]
	store := openStore(t, t.TempDir())
	defer store.Close()
	db := &exemplarDB{}
	db.add(errorSeries, "failure", 1, t0.Add(-time.Minute))
	m := newManager(t, store, alerting.ManagerOptions{Exemplars: db})
	process(t, m, status(s, t0, burnrate.StateOK, slo.Page))
	got := notes(t, store, "hook")
	if len(got) != 1 || len(got[0].Traces) != 1 || got[0].Traces[0].TraceID != "failure" || got[0].Traces[0].Reason != "error" {
		t.Fatalf("trigger %+v: want the failure linked", got)
	}
}

func TestSecretsAreRedactedFromEveryErrorText(t *testing.T) {
	const token = "tok-3f9a1c"
	redact := func(s string) string { return strings.ReplaceAll(s, token, "[REDACTED]") }
	s := testSLO(t)
	store := openStore(t, t.TempDir())
	defer store.Close()
	db := &exemplarDB{err: errors.New("500: echo Authorization: Bearer " + token)}
	m := newManager(t, store, alerting.ManagerOptions{Exemplars: db, FailingCycles: 1, Redact: redact})
	bad := status(s, t0, burnrate.StateError)
	bad.Reason = "query failed: 500 Authorization: Bearer " + token
	process(t, m, bad)
	process(t, m, status(s, t0.Add(time.Minute), burnrate.StateOK, slo.Page))
	var texts []string
	for _, n := range notes(t, store, "hook") {
		texts = append(texts, n.Summary, n.Error, n.TracesNote)
	}
	for _, inc := range m.Open() {
		texts = append(texts, inc.Summary, inc.TracesNote)
	}

	recv := &secretEcho{err: errors.New("400 from proxy: Bearer " + token)}
	d := alerting.NewDispatcher(alerting.DispatcherOptions{Store: store, Logger: quiet, Poll: 5 * time.Millisecond, Redact: redact})
	d.SetReceivers(map[string]alerting.Receiver{"hook": recv})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	process(t, m, status(s, t0.Add(2*time.Minute), burnrate.StateOK))
	waitFor(t, func() bool { depth, _ := store.Depth(); return depth["hook"] == 0 })
	cancel()
	<-done
	incidents, err := store.Incidents(t0.Add(-time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, inc := range incidents {
		texts = append(texts, inc.Summary, inc.TracesNote)
		for _, del := range inc.Deliveries {
			texts = append(texts, del.LastError)
			if del.State == alerting.DeliveryFailed {
				failed++
			}
		}
	}
	if failed == 0 {
		t.Fatal("no delivery failed; the receiver's error was not recorded")
	}
	joined := strings.Join(texts, "\n")
	if strings.Contains(joined, token) {
		t.Errorf("a secret was stored or sent:\n%s", joined)
	}
	if !strings.Contains(joined, "[REDACTED]") {
		t.Errorf("no redacted error text at all; the test checks nothing:\n%s", joined)
	}
}

// secretEcho rejects every notification with an error that echoes a
// secret, as a proxy that quotes request headers does.
type secretEcho struct{ err error }

func (secretEcho) Name() string { return "echo" }

func (e *secretEcho) Notify(context.Context, *alerting.Notification) (bool, error) {
	return false, e.err
}
