package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/burnwatch/burnwatch/prom"
)

func TestMissedCyclesAreCountedOnSimulatedTime(t *testing.T) {
	const interval = 30 * time.Second
	scheduled := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		took time.Duration
		want int
	}{
		{10 * time.Second, 0},
		{interval - time.Millisecond, 0},
		{interval, 1},
		{45 * time.Second, 1},
		{2 * interval, 2},
		{95 * time.Second, 3},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("a cycle that took %s", c.took), func(t *testing.T) {
			finished := scheduled.Add(c.took)
			if got := missedCycles(scheduled, finished, interval); got != c.want {
				t.Errorf("missed %d cycles, want %d", got, c.want)
			}
			// The loop's next cycle comes after exactly that many
			// skipped instants.
			next := nextCycle(finished, interval)
			if skipped := int(next.Sub(scheduled)/interval) - 1; skipped != c.want {
				t.Errorf("the next cycle at %s skips %d instants, want %d", next.Format(time.TimeOnly), skipped, c.want)
			}
		})
	}
}

// slowExemplars answers exemplar lookups late, as a loaded Prometheus does.
type slowExemplars struct {
	*prom.Embedded
	delay time.Duration
}

func (s slowExemplars) QueryExemplars(ctx context.Context, expr string, start, end time.Time) ([]v1.ExemplarQueryResult, error) {
	time.Sleep(s.delay)
	return s.Embedded.QueryExemplars(ctx, expr, start, end)
}

func TestTheCycleDurationCoversAlertProcessing(t *testing.T) {
	e, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	at := time.Now().Truncate(time.Minute)
	// Half the requests slower than 2s for three hours: the page fires, and
	// its notification looks up exemplars.
	err = e.Load(context.Background(), at.Add(-3*time.Hour), time.Minute, `
traces_span_metrics_duration_milliseconds_bucket{service_name="checkout",le="2000"} 0+50x180
traces_span_metrics_duration_milliseconds_bucket{service_name="checkout",le="+Inf"} 0+100x180
traces_span_metrics_duration_milliseconds_count{service_name="checkout"} 0+100x180
`)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, "specs", "checkout.yaml"), fmt.Sprintf(settingsSpec, "latency"))
	writeTestFile(t, filepath.Join(dir, "burnwatch.yaml"), "prometheus: {url: http://127.0.0.1:9}\nspecs: [specs]\n")
	const delay = 500 * time.Millisecond
	d, err := New(Options{ConfigPath: filepath.Join(dir, "burnwatch.yaml"), Querier: slowExemplars{e, delay}, Unscheduled: true,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	res := d.Evaluate(context.Background(), at)
	if len(res.Statuses) != 1 || res.Statuses[0].Firing() == "" {
		t.Fatalf("the SLO does not fire: %+v", res.Statuses)
	}
	m := regexp.MustCompile(`(?m)^burnwatch_evaluation_duration_seconds_sum (\S+)$`).FindStringSubmatch(get(t, d, "/metrics"))
	if m == nil {
		t.Fatal("no burnwatch_evaluation_duration_seconds_sum in /metrics")
	}
	if took, _ := strconv.ParseFloat(m[1], 64); took < delay.Seconds() {
		t.Errorf("the cycle took %.3fs by the metric, less than its exemplar lookup alone (%s)", took, delay)
	}
}
