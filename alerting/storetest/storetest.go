// Package storetest is the conformance suite every alerting.Storage passes:
// what the Manager commits and reads back, what the Dispatcher claims and
// records, pruning, and the delivery records that only move forward.
package storetest

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/slo"
)

// Open returns an empty store for one test; the suite closes it.
type Open func(t *testing.T) alerting.Storage

// start is the suite's reference time, with the precision every store
// keeps (microseconds).
var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Run runs the conformance suite against the stores open returns.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		run  func(t *testing.T, s alerting.Storage)
	}{
		{"an empty store has no incidents and no queue", emptyStore},
		{"a committed firing incident is open and comes back whole", firingIsOpen},
		{"a resolved incident leaves the open ones for the resolved index", resolvedLeavesOpen},
		{"resolved incidents are listed newest first, since a time, at most a limit", resolvedOrderAndLimit},
		{"each receiver's outbox is delivered in the order it was queued", outboxOrder},
		{"a queued notification has a pending delivery record", pendingRecord},
		{"finishing a notification removes it and records the outcome", finishRecords},
		{"a retry keeps the entry with its attempts and next attempt", retryKeeps},
		{"a delivery record never moves backwards", recordsMoveForward},
		{"a burn rate without traffic (NaN) survives the outbox", nanSurvives},
		{"incidents are listed with their deliveries", incidentsWithDeliveries},
		{"pruning deletes old resolved incidents and their records only", pruneOld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			})
			tt.run(t, s)
		})
	}
}

func incident(key string, at time.Time) alerting.Incident {
	return alerting.Incident{Key: key, SLOID: "team/" + key, Kind: alerting.KindBurn, Severity: slo.Page,
		State: alerting.IncidentFiring, Summary: "burning " + key, StartedAt: at, LastNotifiedAt: at,
		Windows:   []alerting.BurnWindow{{Long: "1h", Short: "5m", Factor: 14.4, LongBurnRate: 20, ShortBurnRate: 30, Firing: true}},
		Receivers: []string{"pager"}}
}

func resolved(inc alerting.Incident, at time.Time) alerting.Incident {
	inc.State, inc.ResolvedAt, inc.EndReason = alerting.IncidentResolved, at, alerting.EndRecovered
	return inc
}

func entry(inc alerting.Incident, id, receiver string, status alerting.Status, at time.Time) *alerting.OutboxEntry {
	n := &alerting.Notification{ID: id, IncidentKey: inc.Key, Kind: inc.Kind, Status: status,
		Severity: string(inc.Severity), Summary: inc.Summary, StartsAt: inc.StartedAt, EvaluatedAt: at,
		SLO: alerting.SLOInfo{ID: inc.SLOID, Name: inc.SLOID}}
	return &alerting.OutboxEntry{Receiver: receiver, Notification: n, NextAttempt: at}
}

func commit(t *testing.T, s alerting.Storage, incidents []alerting.Incident, queue ...*alerting.OutboxEntry) {
	t.Helper()
	if err := s.Commit(incidents, queue); err != nil {
		t.Fatalf("commit: %v", err)
	}
}

func head(t *testing.T, s alerting.Storage, receiver string) *alerting.OutboxEntry {
	t.Helper()
	e, err := s.Head(receiver)
	if err != nil {
		t.Fatalf("head of %s: %v", receiver, err)
	}
	return e
}

func deliveries(t *testing.T, s alerting.Storage, key string) []alerting.Delivery {
	t.Helper()
	d, err := s.Deliveries(key)
	if err != nil {
		t.Fatalf("deliveries of %s: %v", key, err)
	}
	return d[key]
}

func keys[T any](list []T, key func(T) string) string {
	out := ""
	for i, v := range list {
		if i > 0 {
			out += ","
		}
		out += key(v)
	}
	return out
}

func incKey(i alerting.Incident) string     { return i.Key }
func incPtrKey(i *alerting.Incident) string { return i.Key }

func emptyStore(t *testing.T, s alerting.Storage) {
	open, err := s.OpenIncidents()
	if err != nil || len(open) != 0 {
		t.Errorf("OpenIncidents = %v, %v; want none", open, err)
	}
	if e := head(t, s, "pager"); e != nil {
		t.Errorf("Head = %+v, want nil", e)
	}
	depth, err := s.Depth()
	if err != nil {
		t.Fatal(err)
	}
	for r, n := range depth {
		if n != 0 {
			t.Errorf("depth of %s = %d, want 0", r, n)
		}
	}
}

func firingIsOpen(t *testing.T, s alerting.Storage) {
	inc := incident("a", start)
	inc.Traces = []alerting.TraceLink{{TraceID: "abc", URL: "http://127.0.0.1/trace/abc"}}
	commit(t, s, []alerting.Incident{inc})
	open, err := s.OpenIncidents()
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 {
		t.Fatalf("%d open incidents, want 1", len(open))
	}
	got := open[0]
	if got.Key != "a" || got.SLOID != "team/a" || got.State != alerting.IncidentFiring || !got.StartedAt.Equal(start) ||
		len(got.Windows) != 1 || got.Windows[0].Factor != 14.4 || len(got.Traces) != 1 || got.Traces[0].TraceID != "abc" ||
		len(got.Receivers) != 1 || got.Receivers[0] != "pager" {
		t.Errorf("open incident = %+v, want %+v", *got, inc)
	}
	// A second commit of the same incident updates it in place.
	inc.Summary = "still burning"
	commit(t, s, []alerting.Incident{inc})
	if open, err = s.OpenIncidents(); err != nil || len(open) != 1 || open[0].Summary != "still burning" {
		t.Errorf("after an update: %d open, %v; want the one updated", len(open), err)
	}
}

func resolvedLeavesOpen(t *testing.T, s alerting.Storage) {
	a, b := incident("a", start), incident("b", start)
	commit(t, s, []alerting.Incident{a, b})
	commit(t, s, []alerting.Incident{resolved(a, start.Add(time.Hour))})
	open, err := s.OpenIncidents()
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(open, incPtrKey); got != "b" {
		t.Errorf("open = %s, want b", got)
	}
	res, err := s.Resolved(time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(res, incKey); got != "a" {
		t.Fatalf("resolved = %s, want a", got)
	}
	if res[0].EndReason != alerting.EndRecovered || !res[0].ResolvedAt.Equal(start.Add(time.Hour)) {
		t.Errorf("resolved incident = %+v, want recovered at %s", res[0], start.Add(time.Hour))
	}
}

func resolvedOrderAndLimit(t *testing.T, s alerting.Storage) {
	var incs []alerting.Incident
	for i := range 5 {
		inc := incident(fmt.Sprintf("r%d", i), start)
		incs = append(incs, resolved(inc, start.Add(time.Duration(i)*time.Hour)))
	}
	commit(t, s, incs)
	tests := []struct {
		since time.Time
		limit int
		want  string
	}{
		{time.Time{}, 10, "r4,r3,r2,r1,r0"},
		{time.Time{}, 2, "r4,r3"},
		{start.Add(2 * time.Hour), 10, "r4,r3,r2"},
		{start.Add(5 * time.Hour), 10, ""},
	}
	for _, tt := range tests {
		res, err := s.Resolved(tt.since, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		if got := keys(res, incKey); got != tt.want {
			t.Errorf("Resolved(%s, %d) = %s, want %s", tt.since.Format(time.RFC3339), tt.limit, got, tt.want)
		}
	}
}

func outboxOrder(t *testing.T, s alerting.Storage) {
	a := incident("a", start)
	var queue []*alerting.OutboxEntry
	for i := range 3 {
		queue = append(queue, entry(a, fmt.Sprintf("n%d", i), "pager", alerting.Firing, start.Add(time.Duration(i)*time.Minute)))
	}
	queue = append(queue, entry(a, "m0", "chat", alerting.Firing, start))
	commit(t, s, []alerting.Incident{a}, queue[:2]...)
	commit(t, s, nil, queue[2:]...)
	depth, err := s.Depth()
	if err != nil {
		t.Fatal(err)
	}
	if depth["pager"] != 3 || depth["chat"] != 1 {
		t.Errorf("depth = %v, want pager 3 and chat 1", depth)
	}
	var order []string
	for e := head(t, s, "pager"); e != nil; e = head(t, s, "pager") {
		order = append(order, e.Notification.ID)
		if err := s.Finish(e, alerting.DeliverySent, start); err != nil {
			t.Fatal(err)
		}
		if len(order) > 3 {
			break
		}
	}
	if got := fmt.Sprint(order); got != "[n0 n1 n2]" {
		t.Errorf("pager delivered %s, want [n0 n1 n2]", got)
	}
	if e := head(t, s, "chat"); e == nil || e.Notification.ID != "m0" {
		t.Errorf("chat's head = %+v, want m0 (receivers are independent)", e)
	}
}

func pendingRecord(t *testing.T, s alerting.Storage) {
	a := incident("a", start)
	commit(t, s, []alerting.Incident{a}, entry(a, "n0", "pager", alerting.Firing, start))
	got := deliveries(t, s, "a")
	if len(got) != 1 || got[0].NotificationID != "n0" || got[0].Receiver != "pager" ||
		got[0].State != alerting.DeliveryPending || !got[0].QueuedAt.Equal(start) || got[0].Status != alerting.Firing {
		t.Errorf("deliveries = %+v, want one pending for n0 to pager", got)
	}
}

func finishRecords(t *testing.T, s alerting.Storage) {
	a := incident("a", start)
	commit(t, s, []alerting.Incident{a}, entry(a, "n0", "pager", alerting.Firing, start),
		entry(a, "n0", "chat", alerting.Firing, start))
	sentAt := start.Add(3 * time.Second)
	e := head(t, s, "pager")
	e.Attempts = 1
	if err := s.Finish(e, alerting.DeliverySent, sentAt); err != nil {
		t.Fatal(err)
	}
	e = head(t, s, "chat")
	e.Attempts, e.LastError = 1, "400 bad request"
	if err := s.Finish(e, alerting.DeliveryFailed, sentAt); err != nil {
		t.Fatal(err)
	}
	if e := head(t, s, "pager"); e != nil {
		t.Errorf("pager's head after Finish = %+v, want nil", e)
	}
	got := map[string]alerting.Delivery{}
	for _, d := range deliveries(t, s, "a") {
		got[d.Receiver] = d
	}
	if d := got["pager"]; d.State != alerting.DeliverySent || !d.SentAt.Equal(sentAt) || d.Attempts != 1 {
		t.Errorf("pager's record = %+v, want sent at %s after 1 attempt", d, sentAt)
	}
	if d := got["chat"]; d.State != alerting.DeliveryFailed || d.LastError != "400 bad request" {
		t.Errorf("chat's record = %+v, want failed with its error", d)
	}
}

func retryKeeps(t *testing.T, s alerting.Storage) {
	a := incident("a", start)
	commit(t, s, []alerting.Incident{a}, entry(a, "n0", "pager", alerting.Firing, start))
	e := head(t, s, "pager")
	e.Attempts, e.LastError, e.NextAttempt = 2, "503 unavailable", start.Add(time.Minute)
	if err := s.Retry(e); err != nil {
		t.Fatal(err)
	}
	got := head(t, s, "pager")
	if got == nil || got.Seq != e.Seq || got.Attempts != 2 || got.LastError != "503 unavailable" || !got.NextAttempt.Equal(start.Add(time.Minute)) {
		t.Errorf("head after Retry = %+v, want attempt 2 due at %s", got, start.Add(time.Minute))
	}
	if d := deliveries(t, s, "a"); len(d) != 1 || d[0].State != alerting.DeliveryPending || d[0].Attempts != 2 || d[0].LastError != "503 unavailable" {
		t.Errorf("record after Retry = %+v, want pending after 2 attempts", d)
	}
}

func recordsMoveForward(t *testing.T, s alerting.Storage) {
	a := incident("a", start)
	commit(t, s, []alerting.Incident{a}, entry(a, "n0", "pager", alerting.Firing, start))
	e := head(t, s, "pager")
	stale := *e
	e.Attempts = 1
	if err := s.Finish(e, alerting.DeliverySent, start); err != nil {
		t.Fatal(err)
	}
	// A retry recorded late (of the entry as it was before) changes nothing.
	stale.Attempts, stale.LastError = 1, "timeout"
	if err := s.Retry(&stale); err != nil {
		t.Fatal(err)
	}
	if e := head(t, s, "pager"); e != nil {
		t.Errorf("a late retry put back %+v", e)
	}
	if d := deliveries(t, s, "a"); len(d) != 1 || d[0].State != alerting.DeliverySent {
		t.Errorf("record = %+v, want still sent", d)
	}
}

func nanSurvives(t *testing.T, s alerting.Storage) {
	a := incident("a", start)
	e := entry(a, "n0", "pager", alerting.Firing, start)
	e.Notification.Windows = []alerting.BurnWindow{{Long: "1h", Short: "5m", Factor: 14.4, LongBurnRate: math.NaN(), ShortBurnRate: 2}}
	commit(t, s, []alerting.Incident{a}, e)
	got := head(t, s, "pager")
	if got == nil || len(got.Notification.Windows) != 1 || !math.IsNaN(got.Notification.Windows[0].LongBurnRate) {
		t.Errorf("head = %+v, want the NaN burn rate kept", got)
	}
}

func incidentsWithDeliveries(t *testing.T, s alerting.Storage) {
	a, b := incident("a", start), incident("b", start.Add(time.Minute))
	commit(t, s, []alerting.Incident{a, b}, entry(a, "n0", "pager", alerting.Firing, start))
	commit(t, s, []alerting.Incident{resolved(b, start.Add(time.Hour))}, entry(b, "n1", "pager", alerting.Resolved, start.Add(time.Hour)))
	list, err := s.Incidents(time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(list, incPtrKey); got != "b,a" {
		t.Fatalf("incidents = %s, want b,a (newest first)", got)
	}
	if len(list[0].Deliveries) != 1 || list[0].Deliveries[0].NotificationID != "n1" ||
		len(list[1].Deliveries) != 1 || list[1].Deliveries[0].NotificationID != "n0" {
		t.Errorf("deliveries = %+v and %+v, want n1 and n0", list[0].Deliveries, list[1].Deliveries)
	}
	if list, err = s.Incidents(time.Time{}, 1); err != nil || len(list) != 1 {
		t.Errorf("Incidents with limit 1 = %d, %v; want 1", len(list), err)
	}
}

func pruneOld(t *testing.T, s alerting.Storage) {
	old, young, open := incident("old", start), incident("young", start), incident("open", start)
	commit(t, s, []alerting.Incident{old, young, open}, entry(old, "n0", "pager", alerting.Firing, start))
	commit(t, s, []alerting.Incident{resolved(old, start.Add(time.Hour)), resolved(young, start.Add(3*time.Hour))})
	n, err := s.Prune(start.Add(2 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("pruned %d, want 1", n)
	}
	res, err := s.Resolved(time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(res, incKey); got != "young" {
		t.Errorf("resolved after pruning = %s, want young", got)
	}
	if d := deliveries(t, s, "old"); len(d) != 0 {
		t.Errorf("pruned incident's records = %+v, want none", d)
	}
	if o, err := s.OpenIncidents(); err != nil || keys(o, incPtrKey) != "open" {
		t.Errorf("open after pruning = %s, %v; want open", keys(o, incPtrKey), err)
	}
	if n, err := s.Prune(start.Add(2 * time.Hour)); err != nil || n != 0 {
		t.Errorf("second prune = %d, %v; want 0", n, err)
	}
}
