package burnrate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
)

func TestDistributionQueryReadsEveryBucketOfTheSLI(t *testing.T) {
	native := strings.Replace(strings.Replace(latencySpec, "threshold: 2s", "threshold: 1500ms\n        native: true", 1),
		"traces_span_metrics_duration_milliseconds_bucket", "traces_span_metrics_duration_milliseconds", 1)
	for _, c := range []struct {
		name, spec, want string
	}{
		{"a classic histogram's buckets, summed by le", latencySpec,
			`sum by (le) (increase(traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}[4h]))`},
		{"a native histogram, summed", native,
			`sum(increase(traces_span_metrics_duration_milliseconds{service_name="checkout"}[4h]))`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := burnrate.DistributionQuery(loadSLO(t, c.spec), 4*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestDistributionQueryRefusesSLIsWithoutAHistogram(t *testing.T) {
	errors := loadSLO(t, `version: burnwatch/v1
team: checkout
slos:
  - name: availability
    service: checkout
    objective: 99.9
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="checkout"}
`)
	if _, err := burnrate.DistributionQuery(errors, time.Hour); err == nil {
		t.Error("an errors SLI got a distribution query")
	}
}
