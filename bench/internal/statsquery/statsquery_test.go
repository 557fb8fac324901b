package statsquery_test

import (
	"context"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/bench/internal/statsquery"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/promtest"
)

// TestCountsWhatPrometheusReads backfills a counter at one sample a
// minute and checks the samples Prometheus reports reading.
func TestCountsWhatPrometheusReads(t *testing.T) {
	now := time.Now().Truncate(time.Minute)
	var pts []promtest.Point
	for i := 120; i >= 1; i-- {
		pts = append(pts, promtest.Point{T: now.Add(-time.Duration(i) * time.Minute), V: float64(120 - i)})
	}
	var w promtest.OpenMetricsWriter
	w.WriteCounter("x_total", map[string]string{"a": "b"}, pts)
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	srv := promtest.Start(t, promtest.Options{Backfill: text})
	q := statsquery.New(srv.URL)
	at := now.Add(-10 * time.Minute)
	tests := []struct {
		name        string
		run         func() (int, error)
		wantResults int
		wantSamples int64
	}{
		{
			// Prometheus 2.42's range selectors include both ends (3.0
			// made them left-open): 31 samples a minute apart.
			name: "An instant query over 30 minutes reads 31 samples.",
			run: func() (int, error) {
				v, err := q.Query(context.Background(), "increase(x_total[30m])", at)
				return len(v), err
			},
			wantResults: 1, wantSamples: 31,
		},
		{
			name: "A scalar answer is a vector of one sample.",
			run: func() (int, error) {
				v, err := q.Query(context.Background(), "scalar(x_total)", at)
				return len(v), err
			},
			wantResults: 1, wantSamples: 1,
		},
		{
			name: "A range query reads its raw samples once per step.",
			run: func() (int, error) {
				m, err := q.QueryRange(context.Background(), "x_total", burnrate.Range{Start: at.Add(-time.Minute), End: at, Step: time.Minute})
				return len(m), err
			},
			wantResults: 1, wantSamples: 2,
		},
		{
			name: "A raw read over 5 minutes reads the 6 samples it returns.",
			run: func() (int, error) {
				m, err := q.QuerySamples(context.Background(), "x_total", 5*time.Minute, at)
				if err == nil && len(m) == 1 && len(m[0].Values) != 6 {
					t.Errorf("got %d samples, want 6", len(m[0].Values))
				}
				return len(m), err
			},
			wantResults: 1, wantSamples: 6,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := tt.run()
			if err != nil {
				t.Fatal(err)
			}
			cost := q.Take()
			if n != tt.wantResults || cost.Queries != 1 || cost.Samples != tt.wantSamples {
				t.Errorf("got %d results, %+v; want %d results, 1 query, %d samples", n, cost, tt.wantResults, tt.wantSamples)
			}
		})
	}
	if rules, err := q.RangeRules(context.Background()); err != nil || !rules.IncludesStart || !rules.ZeroFirst {
		t.Errorf("range rules of Prometheus 2.42: got %+v, %v; want a range that includes its start, zero point first", rules, err)
	}
	if _, err := q.Query(context.Background(), "sum(", at); err == nil {
		t.Error("a query that does not parse answered without error")
	}
}
