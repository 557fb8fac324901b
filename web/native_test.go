package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

func TestTheDistributionOfANativeHistogram(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	engine, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close() })
	// 100 observations a minute, schema 0: 90 in (512, 1024] ms and 10 in
	// (2048, 4096] ms.
	minutes := 3 * 60
	series := fmt.Sprintf("traces_span_metrics_duration_milliseconds{service_name=\"checkout\"} {{schema:0 sum:0 count:0}}+{{schema:0 sum:30000 count:100 offset:10 buckets:[90 0 10]}}x%d\n", minutes)
	if err := engine.Load(ctx, at.Add(-time.Duration(minutes)*time.Minute), time.Minute, series); err != nil {
		t.Fatal(err)
	}
	set, diags := slo.LoadBytes("specs.yaml", []byte(`version: burnwatch/v1
team: checkout
slos:
  - name: requests-latency
    service: checkout
    objective: 99
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds{service_name="checkout"}
        threshold: 1500ms
        native: true
`))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	res := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(ctx, engine, set.SLOs, at)
	snap := &web.Snapshot{At: at, Statuses: res.Statuses}
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }, Querier: engine})
	_, body := get(t, srv, "/slo/checkout/requests-latency?range=1h")
	heat := svgOf(t, body, "chart-distribution")
	rows := map[string]bool{}
	for _, m := range regexp.MustCompile(`UTC: [0-9,]+ between ([0-9.]+m?s) and ([0-9.]+m?s)</title>`).FindAllStringSubmatch(heat, -1) {
		rows[m[1]+"–"+m[2]] = true
	}
	if len(rows) != 2 || !rows["512ms–1.02s"] || !rows["2.05s–4.1s"] {
		t.Errorf("the heatmap's rows are %v, want 512ms–1.02s and 2.05s–4.1s", rows)
	}
	if !strings.Contains(heat, `class="threshold limit"`) {
		t.Error("no threshold line across the native histogram's distribution")
	}
}
