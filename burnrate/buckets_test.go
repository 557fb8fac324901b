package burnrate_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// collectorHistogram is the spanmetrics histogram with the Collector's
// default buckets around a second, each `le` spelled by format (Prometheus
// 2 keeps "2000", exposition through OpenMetrics gives "2000.0"). Every call
// takes 100 ms.
func collectorHistogram(minutes int, format string) string {
	calls := cumulative(minutes, func(int) float64 { return 100 })
	h := "traces_span_metrics_duration_milliseconds"
	sel := `service_name="checkout"`
	var b strings.Builder
	for _, le := range []float64{100, 1000, 1400, 2000} {
		fmt.Fprintf(&b, "%s_bucket{%s,le=\"%s\"} %s\n", h, sel, fmt.Sprintf(format, le), calls)
	}
	fmt.Fprintf(&b, "%s_bucket{%s,le=\"+Inf\"} %s\n%s_count{%s} %s\n", h, sel, calls, h, sel, calls)
	return b.String()
}

func latencySpecWith(threshold string) string {
	return strings.Replace(latencySpec, "threshold: 2s", "threshold: "+threshold, 1)
}

func TestAThresholdThatIsNotABucketBoundaryIsAnErrorNotAPage(t *testing.T) {
	tests := []struct {
		name, format, threshold string
		wantState               burnrate.State
		wantReason              string
	}{
		{"1500ms between 1400 and 2000", "%g", "1500ms", burnrate.StateError,
			`no bucket le="1500" on traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}; the nearest are 1400 and 2000`},
		{"1500ms on le spelled 2000.0", "%.1f", "1500ms", burnrate.StateError,
			`no bucket le="1500" on traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}; the nearest are 1400 and 2000`},
		{"above the last finite bucket", "%g", "3s", burnrate.StateError,
			`no bucket le="3000" on traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}; the nearest is 2000`},
		{"2s on le spelled 2000", "%g", "2s", burnrate.StateOK, ""},
		{"2s on le spelled 2000.0", "%.1f", "2s", burnrate.StateOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			minutes := 8 * 60
			eng := newEngine(t, collectorHistogram(minutes, tt.format))
			s := loadSLO(t, latencySpecWith(tt.threshold))
			for _, opts := range []burnrate.Options{{}, {Exact: true}} {
				res := burnrate.NewEvaluator(opts).Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(time.Duration(minutes-1)*time.Minute))
				st := res.Statuses[0]
				if st.State != tt.wantState || st.Reason != tt.wantReason {
					t.Errorf("exact=%v: state %s, reason %q; want %s, %q", opts.Exact, st.State, st.Reason, tt.wantState, tt.wantReason)
				}
				if st.Firing() != "" {
					t.Errorf("exact=%v: %s fires on a healthy service", opts.Exact, st.Firing())
				}
			}
		})
	}
}

func TestTwoSecondsOnTemposBucketsIsNotABoundary(t *testing.T) {
	minutes := 4 * 60
	calls := cumulative(minutes, func(int) float64 { return 100 })
	var b strings.Builder
	for _, le := range []string{"0.512", "1.024", "2.048", "4.096", "+Inf"} {
		fmt.Fprintf(&b, "traces_spanmetrics_latency_bucket{service=\"order-consumer\",le=%q} %s\n", le, calls)
	}
	fmt.Fprintf(&b, "traces_spanmetrics_latency_count{service=\"order-consumer\"} %s\n", calls)
	eng := newEngine(t, b.String())
	s := loadSLO(t, `version: burnwatch/v1
team: fulfilment
slos:
  - name: processed
    service: order-consumer
    objective: 99.9
    sli:
      latency:
        metric: traces_spanmetrics_latency_bucket{service="order-consumer"}
        threshold: 2s
`)
	st := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(time.Duration(minutes-1)*time.Minute)).Statuses[0]
	want := `no bucket le="2" on traces_spanmetrics_latency_bucket{service="order-consumer"}; the nearest are 1.024 and 2.048`
	if st.State != burnrate.StateError || st.Reason != want {
		t.Errorf("state %s, reason %q; want error %q", st.State, st.Reason, want)
	}
}
