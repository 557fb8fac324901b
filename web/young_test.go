package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

// youngEvaluation evaluates the browser test's specs on a Prometheus that
// holds only the last two hours of the same traffic, as the evaluator
// sees a fresh one.
func youngEvaluation(t *testing.T, at time.Time) (*web.Snapshot, *prom.Embedded) {
	t.Helper()
	ctx := context.Background()
	engine, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close() })
	start := at.Add(-2 * time.Hour)
	if err := loadCounters(ctx, engine, browserTraffic(at), start, time.Minute, int(at.Sub(start)/time.Minute)+1); err != nil {
		t.Fatal(err)
	}
	set, diags := slo.LoadBytes("specs.yaml", []byte(browserSpecs))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	res := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(ctx, engine, set.SLOs, at)
	return &web.Snapshot{At: at, Statuses: res.Statuses}, engine
}

func TestAYoungPrometheusReadsAsTheHoursItHoldsNotThePeriod(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	snap, _ := youngEvaluation(t, at)
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }})
	for _, tt := range []struct {
		path string
		want []string
	}{
		{"/", []string{"over the last 2h of 30d", "of the budget left over the last 2h of 30d"}},
		{"/slo/checkout/requests-latency", []string{
			"for the last 2h of the 30d period",
			`title="the data covers only the last 2h of this 6h window"`,
			`title="the data covers only the last 2h of this 3d window"`,
		}},
		{"/api/v1/slos/checkout/requests-latency", []string{`"covered_label":"over the last 2h of 30d"`, `"covered_seconds":7200`}},
	} {
		res, body := get(t, srv, tt.path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", tt.path, res.StatusCode)
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s lacks %q", tt.path, w)
			}
		}
	}
}
