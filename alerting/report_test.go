package alerting_test

import (
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
)

func TestAReportIsQueuedOncePerPeriodAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	router := alerting.Router{
		Routes:  []alerting.Route{{Match: alerting.Match{Teams: []string{"shop"}, Kinds: []alerting.Kind{alerting.KindReport}}, Receivers: []string{"shop-chat"}}},
		Default: []string{"oncall"},
	}
	monday := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	week := &alerting.Digest{Team: "shop", Period: "week", From: monday, To: monday.AddDate(0, 0, 7)}
	at := monday.AddDate(0, 0, 7).Add(9 * time.Hour)

	store := openStore(t, dir)
	m := newManager(t, store, alerting.ManagerOptions{Router: router})
	if queued, err := m.QueueReport(week, at); err != nil || !queued {
		t.Fatalf("first report: queued %v, err %v", queued, err)
	}
	if queued, err := m.QueueReport(week, at.Add(time.Minute)); err != nil || queued {
		t.Fatalf("the same period again: queued %v, err %v; want it skipped", queued, err)
	}
	e, err := store.Head("shop-chat")
	if err != nil || e == nil {
		t.Fatalf("the team's receiver has nothing queued: %v", err)
	}
	if e.Notification.Kind != alerting.KindReport || e.Notification.Report == nil || e.Notification.Report.Team != "shop" {
		t.Errorf("queued notification %+v is not the team's report", e.Notification)
	}
	if e, _ := store.Head("oncall"); e != nil {
		t.Errorf("the report went to the default receiver too: %+v", e.Notification)
	}
	if err := store.Finish(e, alerting.DeliverySent, at); err != nil {
		t.Fatal(err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}

	store = openStore(t, dir)
	defer store.Close()
	m = newManager(t, store, alerting.ManagerOptions{Router: router})
	if queued, err := m.QueueReport(week, at.Add(time.Hour)); err != nil || queued {
		t.Errorf("after a restart: queued %v, err %v; want the period's report skipped", queued, err)
	}
	next := &alerting.Digest{Team: "shop", Period: "week", From: week.To, To: week.To.AddDate(0, 0, 7)}
	if queued, err := m.QueueReport(next, at.AddDate(0, 0, 7)); err != nil || !queued {
		t.Errorf("the next week's report: queued %v, err %v", queued, err)
	}
}
