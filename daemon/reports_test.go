package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/prom"
)

// discard is a receiver the tests never deliver to: they count what is
// queued for it.
type discard struct{}

func (discard) Name() string { return "chat" }
func (discard) Notify(context.Context, *alerting.Notification) (bool, error) {
	return false, nil
}

func TestWeeklyReportsAreQueuedOnceInTheFirstDayOfTheWeek(t *testing.T) {
	e, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	monday := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	// Nine days of traffic, one request in a thousand slow.
	err = e.Load(context.Background(), monday.Add(-9*24*time.Hour), 5*time.Minute, `
traces_span_metrics_duration_milliseconds_bucket{service_name="checkout",le="2000"} 0+999x2700
traces_span_metrics_duration_milliseconds_bucket{service_name="checkout",le="+Inf"} 0+1000x2700
traces_span_metrics_duration_milliseconds_count{service_name="checkout"} 0+1000x2700
`)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, "specs", "checkout.yaml"), fmt.Sprintf(settingsSpec, "latency"))
	writeTestFile(t, filepath.Join(dir, "burnwatch.yaml"), `prometheus: {url: http://127.0.0.1:9}
specs: [specs]
default_receivers: [chat]
reports: {periods: [week]}
`)
	start := func() *Daemon {
		d, err := New(Options{ConfigPath: filepath.Join(dir, "burnwatch.yaml"), Querier: e, Unscheduled: true,
			ExtraReceivers: map[string]alerting.Receiver{"chat": discard{}}, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// queued counts the reports queued for the chat receiver.
	queued := func(d *Daemon) int {
		incs, err := d.store.Incidents(time.Time{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, i := range incs {
			for _, del := range i.Deliveries {
				if i.Kind == alerting.KindReport && del.Receiver == "chat" {
					n++
				}
			}
		}
		return n
	}

	d := start()
	d.Evaluate(context.Background(), monday.Add(-time.Hour)) // Sunday: last week is not over
	if n := queued(d); n != 0 {
		t.Fatalf("%d reports queued on Sunday, want none", n)
	}
	d.Evaluate(context.Background(), monday.Add(9*time.Hour))
	if n := queued(d); n != 1 {
		t.Fatalf("%d reports queued on Monday morning, want the week's report", n)
	}
	incs, err := d.store.Incidents(time.Time{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range incs {
		if i.Kind == alerting.KindReport && i.Key != "report/checkout/week/2026-11-23" {
			t.Errorf("report %s, want the one of the week from 2026-11-23", i.Key)
		}
	}
	d.Evaluate(context.Background(), monday.Add(9*time.Hour+time.Minute))
	if n := queued(d); n != 1 {
		t.Errorf("%d reports queued a cycle later, want the report once", n)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	d = start() // a restart in the same day
	defer d.Close()
	d.Evaluate(context.Background(), monday.Add(10*time.Hour))
	if n := queued(d); n != 1 {
		t.Errorf("%d reports queued after a restart, want the report once", n)
	}
}
