package promtest_test

import (
	"math"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/internal/promtest"
)

func TestOpenMetricsWriter(t *testing.T) {
	t0 := time.Unix(1767323040, 0)
	t1 := t0.Add(time.Minute)
	tests := []struct {
		name    string
		write   func(w *promtest.OpenMetricsWriter)
		want    string
		wantErr string
	}{
		{
			name:  "Nothing written is just # EOF.",
			write: func(*promtest.OpenMetricsWriter) {},
			want:  "# EOF\n",
		},
		{
			name: "A counter gets its _total suffix once, sorted labels and sorted points.",
			write: func(w *promtest.OpenMetricsWriter) {
				w.WriteCounter("calls_total", map[string]string{"status_code": "STATUS_CODE_ERROR", "service_name": "checkout"},
					[]promtest.Point{{T: t1, V: 12.5}, {T: t0, V: 10}})
			},
			want: `# TYPE calls counter
calls_total{service_name="checkout",status_code="STATUS_CODE_ERROR"} 10 1767323040
calls_total{service_name="checkout",status_code="STATUS_CODE_ERROR"} 12.5 1767323100
# EOF
`,
		},
		{
			name: "Series of one family share one TYPE line, whatever order they are written in.",
			write: func(w *promtest.OpenMetricsWriter) {
				w.WriteCounter("calls", map[string]string{"code": "200"}, []promtest.Point{{T: t0, V: 1}})
				w.WriteGauge("queue_depth", nil, []promtest.Point{{T: t0, V: 3}})
				w.WriteCounter("calls", map[string]string{"code": "500"}, []promtest.Point{{T: t0, V: 2}})
			},
			want: `# TYPE calls counter
calls_total{code="200"} 1 1767323040
calls_total{code="500"} 2 1767323040
# TYPE queue_depth gauge
queue_depth 3 1767323040
# EOF
`,
		},
		{
			name: "A histogram has a bucket per bound and +Inf, a count and a sum, per point.",
			write: func(w *promtest.OpenMetricsWriter) {
				w.WriteHistogram("latency", map[string]string{"span_name": "GET /"}, []float64{0.1, 2.5},
					[]promtest.HistogramPoint{{T: t0, Buckets: []float64{1, 3}, Count: 4, Sum: 5.25}})
			},
			want: `# TYPE latency histogram
latency_bucket{le="0.1",span_name="GET /"} 1 1767323040
latency_bucket{le="2.5",span_name="GET /"} 3 1767323040
latency_bucket{le="+Inf",span_name="GET /"} 4 1767323040
latency_count{span_name="GET /"} 4 1767323040
latency_sum{span_name="GET /"} 5.25 1767323040
# EOF
`,
		},
		{
			name: "Label values are escaped, special values spelled out, milliseconds kept.",
			write: func(w *promtest.OpenMetricsWriter) {
				w.WriteGauge("g", map[string]string{"path": "a\"b\\c\nd"}, []promtest.Point{
					{T: t0.Add(250 * time.Millisecond), V: math.Inf(1)},
					{T: t1, V: math.NaN()},
				})
			},
			want: `# TYPE g gauge
g{path="a\"b\\c\nd"} +Inf 1767323040.25
g{path="a\"b\\c\nd"} NaN 1767323100
# EOF
`,
		},
		{
			name: "A metric name Prometheus 2.42 cannot read is an error.",
			write: func(w *promtest.OpenMetricsWriter) {
				w.WriteGauge("span.duration", nil, nil)
			},
			wantErr: `metric name "span.duration" is not valid`,
		},
		{
			name: "A name used for two types is an error.",
			write: func(w *promtest.OpenMetricsWriter) {
				w.WriteGauge("x", nil, nil)
				w.WriteCounter("x", nil, nil)
			},
			wantErr: "metric x is written as a gauge and as a counter",
		},
		{
			name: "Bucket counts that do not match the bounds are an error.",
			write: func(w *promtest.OpenMetricsWriter) {
				w.WriteHistogram("latency", nil, []float64{0.1, 0.5},
					[]promtest.HistogramPoint{{T: t0, Buckets: []float64{1}, Count: 1}})
			},
			wantErr: "histogram latency at 2026-01-02T03:04:00Z: 1 bucket counts for 2 bounds",
		},
		{
			name: "Bounds that do not increase are an error, and the first error is kept.",
			write: func(w *promtest.OpenMetricsWriter) {
				w.WriteHistogram("latency", nil, []float64{0.5, 0.1}, nil)
				w.WriteGauge("bad name", nil, nil)
			},
			wantErr: "histogram latency: bounds [0.5 0.1] must be finite and increasing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w promtest.OpenMetricsWriter
			tt.write(&w)
			got, err := w.Text()
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("error: got %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Text: %v", err)
			}
			if got != tt.want {
				t.Errorf("text:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}
