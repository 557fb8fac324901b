package slo_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/promtest"
	"github.com/burnwatch/burnwatch/slo"
)

// TestOtherProjectsSpecsEvaluateInPrometheus evaluates every SLO of the
// other projects' example files against a real Prometheus: every query
// they plan must be one Prometheus accepts. The Prometheus holds one
// minute of checkout's span metrics, so some SLOs have data and most do
// not; none may fail.
func TestOtherProjectsSpecsEvaluateInPrometheus(t *testing.T) {
	files, err := filepath.Glob("testdata/interop/*/*.y*ml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example files: %v", err)
	}
	var slos []*slo.SLO
	seen := map[string]bool{}
	for _, f := range files {
		set, diags := slo.Load(os.DirFS("."), f)
		if len(diags) > 0 {
			t.Fatalf("%s: %v", f, diags)
		}
		for _, s := range set.SLOs {
			if !seen[s.ID] {
				seen[s.ID] = true
				slos = append(slos, s)
			}
		}
	}
	at := time.Now().Add(-time.Minute).Truncate(time.Minute)
	var w promtest.OpenMetricsWriter
	labels := map[string]string{"service_name": "checkout", "span_name": "POST /checkout", "status_code": "STATUS_CODE_UNSET"}
	w.WriteCounter("traces_span_metrics_calls_total", labels, []promtest.Point{{T: at.Add(-2 * time.Minute), V: 10}, {T: at.Add(-time.Minute), V: 50}})
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	// Subqueries without a step (Sloth's home-wifi example) step by the
	// evaluation interval, as in a Prometheus configured as usual.
	prom := promtest.Start(t, promtest.Options{Backfill: text, EvaluationInterval: time.Minute})
	res := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(context.Background(), prom.Querier(), slos, at)
	if len(res.Statuses) != len(slos) {
		t.Fatalf("%d statuses for %d SLOs", len(res.Statuses), len(slos))
	}
	for _, st := range res.Statuses {
		if st.State == burnrate.StateError {
			t.Errorf("%s (%s): %s", st.SLO.ID, st.SLO.Source.Format, st.Reason)
		}
	}
	if res.QueryErrors > 0 {
		t.Errorf("%d of %d queries failed", res.QueryErrors, res.Queries)
	}
}
