package prom_test

import (
	"context"
	"math"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/promtest"
	"github.com/burnwatch/burnwatch/slo"
)

// TestANativeHistogramSLOOnARealPrometheus scrapes a native (exponential)
// histogram into Prometheus 2.42 with --enable-feature=native-histograms
// and evaluates a latency SLO whose threshold, 1500 ms, is no bucket
// boundary: histogram_fraction reads it all the same. 10% of calls take
// 3 s, the others 800 ms.
func TestANativeHistogramSLOOnARealPrometheus(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:                        "traces_span_metrics_duration_milliseconds",
		Help:                        "Span durations.",
		NativeHistogramBucketFactor: 1.1,
	}, []string{"service_name"})
	reg.MustRegister(h)
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				for i := range 10 {
					d := 800.0
					if i == 0 {
						d = 3000
					}
					h.WithLabelValues("checkout").Observe(d)
				}
			}
		}
	}()
	p := promtest.Start(t, promtest.Options{
		ScrapeConfigs: []promtest.ScrapeConfig{{Targets: []string{strings.TrimPrefix(srv.URL, "http://")}}},
		ExtraFlags:    []string{"--enable-feature=native-histograms"},
	})
	p.WaitFor(t, `histogram_count(traces_span_metrics_duration_milliseconds) and count_over_time(traces_span_metrics_duration_milliseconds[1m]) > 4`, 60*time.Second)

	set, diags := slo.LoadBytes("spec.yaml", []byte(`version: burnwatch/v1
team: checkout
slos:
  - name: latency
    service: checkout
    objective: 99.9
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds{service_name="checkout"}
        threshold: 1500ms
        native: true
`))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	st := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(context.Background(), p.Querier(), set.SLOs, time.Now()).Statuses[0]
	if st.State != burnrate.StateOK {
		t.Fatalf("state %s: %s", st.State, st.Reason)
	}
	w, _ := st.Window(5 * time.Minute)
	if math.Abs(w.ErrorRatio-0.1) > 0.02 || !(w.Valid > 0) {
		t.Errorf("5m window: %v good of %v valid, error ratio %v; want 0.1", w.Good, w.Valid, w.ErrorRatio)
	}
}
