package burnrate_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// nativeSeries is a native (exponential, schema 0) histogram gaining 100
// observations a minute: 90 in (512, 1024] ms and 10 in (2048, 4096] ms.
// Tempo's below is the same in seconds: 90 in (0.5, 1], 10 in (2, 4].
func nativeSeries(selector string, minutes int) string {
	return fmt.Sprintf("%s {{schema:0 sum:0 count:0}}+{{schema:0 sum:30000 count:100 offset:10 buckets:[90 0 10]}}x%d\n", selector, minutes-1)
}

func TestNativeHistogramsNeedNoBucketBoundary(t *testing.T) {
	minutes := 8 * 60
	tests := []struct {
		name, series, spec string
	}{
		{"Tempo's native histogram in seconds",
			fmt.Sprintf("traces_spanmetrics_latency{service=\"order-consumer\"} {{schema:0 sum:0 count:0}}+{{schema:0 sum:30 count:100 offset:0 buckets:[90 0 10]}}x%d\n", minutes-1),
			`version: burnwatch/v1
team: fulfilment
slos:
  - name: processed
    service: order-consumer
    objective: 99.9
    sli:
      latency:
        metric: traces_spanmetrics_latency{service="order-consumer"}
        threshold: 1500ms
        native: true
`},
		{"the Collector's exponential histogram in ms",
			nativeSeries(`traces_span_metrics_duration_milliseconds{service_name="checkout"}`, minutes),
			strings.Replace(strings.Replace(latencySpec, "threshold: 2s", "threshold: 1500ms\n        native: true", 1),
				"traces_span_metrics_duration_milliseconds_bucket", "traces_span_metrics_duration_milliseconds", 1)},
		{"a UTF-8 name kept with dots",
			nativeSeries(`{"traces.span.metrics.duration", "service.name"="checkout"}`, minutes),
			strings.Replace(strings.Replace(latencySpec, "threshold: 2s", "threshold: 1500ms\n        native: true\n        unit: ms", 1),
				`traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}`, `'{"traces.span.metrics.duration", "service.name"="checkout"}'`, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := newEngine(t, tt.series)
			s := loadSLO(t, tt.spec)
			st := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(time.Duration(minutes-1)*time.Minute)).Statuses[0]
			if st.State != burnrate.StateOK {
				t.Fatalf("state %s: %s", st.State, st.Reason)
			}
			for _, w := range st.Windows {
				// 1500 ms lies in an empty bucket: 90% are good.
				if math.Abs(w.ErrorRatio-0.1) > 0.001 {
					t.Errorf("window %s: error ratio %v (good %v of %v), want 0.1", burnrate.FormatWindow(w.Window), w.ErrorRatio, w.Good, w.Valid)
				}
				if want := min(w.Window, time.Duration(minutes-1)*time.Minute); w.Covered < want-5*time.Minute || w.Covered > want {
					t.Errorf("window %s covers %s, want about %s", burnrate.FormatWindow(w.Window), w.Covered, want)
				}
			}
		})
	}
}
