package groups_test

import (
	"context"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/groups"
	"github.com/burnwatch/burnwatch/internal/promtest"
	"github.com/burnwatch/burnwatch/slo"
)

// demoSpans are the spans of the demo's workloads (package demo): their
// names, and the service and kind they carry.
var demoSpans = []struct{ service, span, kind string }{
	{"checkout", "POST /checkout", "SPAN_KIND_SERVER"},
	{"payments", "Authorize", "SPAN_KIND_SERVER"},
	{"order-consumer", "process order", "SPAN_KIND_CONSUMER"},
	{"search", "GET /search", "SPAN_KIND_SERVER"},
}

// TestAGroupedSLOPagesForTheOneSpanThatBurns backfills a real Prometheus
// with 8 hours of the demo's spans, one scrape a minute, 20 calls a second
// each, of which one in 10,000 fails, except POST /checkout, where 5% fail
// over the last 90 minutes (burn 50 on a 99.9% SLO). One SLO grouped by
// span_name over every span must page for POST /checkout alone.
func TestAGroupedSLOPagesForTheOneSpanThatBurns(t *testing.T) {
	end := time.Now().Add(-2 * time.Minute).Truncate(time.Minute)
	start := end.Add(-8 * time.Hour)
	var w promtest.OpenMetricsWriter
	for _, sp := range demoSpans {
		var ok, failed []promtest.Point
		var okCount, failedCount float64
		for at := start; !at.After(end); at = at.Add(time.Minute) {
			share := 0.0001
			if sp.span == "POST /checkout" && at.After(end.Add(-90*time.Minute)) {
				share = 0.05
			}
			okCount += 60 * 20 * (1 - share)
			failedCount += 60 * 20 * share
			ok = append(ok, promtest.Point{T: at, V: okCount})
			failed = append(failed, promtest.Point{T: at, V: failedCount})
		}
		labels := map[string]string{"service_name": sp.service, "span_name": sp.span, "span_kind": sp.kind}
		w.WriteCounter("traces_span_metrics_calls_total", with(labels, "status_code", "STATUS_CODE_UNSET"), ok)
		w.WriteCounter("traces_span_metrics_calls_total", with(labels, "status_code", "STATUS_CODE_ERROR"), failed)
	}
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	prom := promtest.Start(t, promtest.Options{Backfill: text})

	set, diags := slo.LoadBytes("grouped.yaml", []byte(`version: burnwatch/v1
team: shop
slos:
  - name: spans-availability
    service: shop
    objective: 99.9
    group_by: [span_name]
    sli:
      errors:
        metric: traces_span_metrics_calls_total
`))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	var e groups.Expander
	slos := e.Expand(context.Background(), prom.Querier(), set.SLOs, end)
	if len(slos) != len(demoSpans) {
		t.Fatalf("expanded to %d SLOs, want one per span (%d): %+v", len(slos), len(demoSpans), e.Groups())
	}
	res := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(context.Background(), prom.Querier(), slos, end)
	for _, st := range res.Statuses {
		paging := false
		for _, a := range st.Alerts {
			paging = paging || (a.Severity == slo.Page && a.Firing)
		}
		want := st.SLO.ID == "shop/spans-availability/POST /checkout"
		if paging != want || st.State == burnrate.StateError {
			t.Errorf("%s: paging %v, want %v (state %s %s)", st.SLO.ID, paging, want, st.State, st.Reason)
		}
	}
}

func with(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for key, val := range m {
		out[key] = val
	}
	return out
}
