package promtest_test

import (
	"math"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/internal/promtest"
)

// TestStartWithBackfill backfills a counter over the past two hours at
// one-minute steps, growing by 2 a minute, and reads it back from a real
// Prometheus at times in the past.
func TestStartWithBackfill(t *testing.T) {
	now := time.Now().Truncate(time.Minute)
	var points []promtest.Point
	for i := 120; i >= 1; i-- {
		points = append(points, promtest.Point{T: now.Add(-time.Duration(i) * time.Minute), V: float64(2 * (120 - i))})
	}
	var w promtest.OpenMetricsWriter
	w.WriteCounter("backfilled_requests_total", map[string]string{"service_name": "checkout"}, points)
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}

	s := promtest.Start(t, promtest.Options{Backfill: text})

	tests := []struct {
		name string
		expr string
		at   time.Time
		want float64
	}{
		{
			name: "A raw sample reads back the value written 90 minutes ago.",
			expr: `backfilled_requests_total{service_name="checkout"}`,
			at:   now.Add(-90 * time.Minute),
			want: 60,
		},
		{
			name: "The increase over one hour, 30 minutes ago, is 60 minutes at 2 a minute.",
			expr: `increase(backfilled_requests_total[1h])`,
			at:   now.Add(-30 * time.Minute),
			want: 120,
		},
		{
			name: "A sum over the whole history sees every block.",
			expr: `sum(count_over_time(backfilled_requests_total[3h]))`,
			at:   now,
			want: 120,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vec := s.Query(t, tt.expr, tt.at)
			if len(vec) != 1 {
				t.Fatalf("query %s at %s: got %v, want one sample", tt.expr, tt.at, vec)
			}
			if got := float64(vec[0].Value); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("query %s at %s: got %v, want %v", tt.expr, tt.at, got, tt.want)
			}
		})
	}
}
