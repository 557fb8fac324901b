package alerting_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// selectingExemplars answers an exemplar query as Prometheus does: with the
// exemplars of the series the selector matches.
type selectingExemplars struct {
	t      *testing.T
	series []alerting.ExemplarSeries
}

func (db *selectingExemplars) QueryExemplars(_ context.Context, expr string, _, _ time.Time) ([]alerting.ExemplarSeries, error) {
	matchers, err := parser.NewParser(parser.Options{}).ParseMetricSelector(expr)
	if err != nil {
		db.t.Errorf("exemplar query %s: %v", expr, err)
		return nil, err
	}
	var out []alerting.ExemplarSeries
	for _, s := range db.series {
		if !slices.ContainsFunc(matchers, func(m *labels.Matcher) bool { return !m.Matches(s.SeriesLabels[m.Name]) }) {
			out = append(out, s)
		}
	}
	return out, nil
}

// spanSeries is a series of the Collector's spanmetrics with one exemplar
// of the given trace and value.
func spanSeries(name, status, traceID string, value float64) alerting.ExemplarSeries {
	ls := map[string]string{"__name__": name, "service_name": "checkout"}
	if k, v, ok := strings.Cut(status, "="); ok {
		ls[k] = v
	}
	if name == "traces_span_metrics_duration_milliseconds_bucket" {
		ls["le"] = "+Inf"
	}
	return alerting.ExemplarSeries{SeriesLabels: ls, Exemplars: []alerting.Exemplar{
		{Labels: map[string]string{"trace_id": traceID}, Value: value, At: t0.Add(-time.Minute)},
	}}
}

func TestTraceLinksFollowTheStatusCodeConventions(t *testing.T) {
	const (
		calls     = "traces_span_metrics_calls_total"
		durations = "traces_span_metrics_duration_milliseconds_bucket"
	)
	// Failed, ok and unset spans in both conventions: under the feature
	// gate an unset span's series has no status label.
	fleet := []alerting.ExemplarSeries{
		spanSeries(calls, "status_code=STATUS_CODE_ERROR", "failed-gate-off", 1),
		spanSeries(calls, "status_code=STATUS_CODE_UNSET", "unset-gate-off", 1),
		spanSeries(calls, "otel_status_code=ERROR", "failed-gate-on", 1),
		spanSeries(calls, "otel_status_code=OK", "ok-gate-on", 1),
		spanSeries(calls, "", "unset-gate-on", 1),
		spanSeries(durations, "otel_status_code=ERROR", "slow-failure", 9000),
		spanSeries(durations, "", "slow-unset", 5000),
		spanSeries(durations, "status_code=STATUS_CODE_OK", "slow-ok", 3000),
	}
	tests := []struct {
		name string
		sli  string
		want []string
	}{
		{
			name: "an errors SLO links the failed spans of either convention",
			sli:  "      errors:\n        metric: traces_span_metrics_calls_total{service_name=\"checkout\"}\n",
			want: []string{"failed-gate-off", "failed-gate-on", "slow-failure"},
		},
		{
			name: "a latency SLO links slow spans that did not fail, labelled or not",
			sli:  "      latency:\n        metric: traces_span_metrics_duration_milliseconds_bucket{service_name=\"checkout\"}\n        threshold: 2s\n",
			want: []string{"slow-ok", "slow-unset"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, diags := slo.LoadBytes("spec.yaml", []byte("version: burnwatch/v1\nteam: checkout\nslos:\n  - name: s\n    service: checkout\n    objective: 99.9\n    sli:\n"+tt.sli))
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			s := set.SLOs[0]
			store := openStore(t, t.TempDir())
			defer store.Close()
			m := newManager(t, store, alerting.ManagerOptions{Exemplars: &selectingExemplars{t: t, series: fleet}, MaxTraces: 10})
			process(t, m, status(s, t0, burnrate.StateOK, slo.Page))
			got := notes(t, store, "hook")
			if len(got) != 1 {
				t.Fatalf("notifications %+v, want one trigger", got)
			}
			var ids []string
			for _, tr := range got[0].Traces {
				ids = append(ids, tr.TraceID)
			}
			slices.Sort(ids)
			if !slices.Equal(ids, tt.want) {
				t.Errorf("linked traces %v, want %v", ids, tt.want)
			}
		})
	}
}
