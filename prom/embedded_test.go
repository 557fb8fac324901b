package prom_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/exemplar"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/timestamp"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
)

// newEmbedded opens an engine in a test directory, closed with the test.
func newEmbedded(t *testing.T, opts prom.EmbeddedOptions) *prom.Embedded {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	opts.Logger = slog.New(slog.DiscardHandler)
	e, err := prom.NewEmbedded(opts)
	if err != nil {
		t.Fatalf("NewEmbedded: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return e
}

// start is where the loaded series of these tests begin.
var start = at.Add(-10 * time.Minute)

// spanMetrics are ten minutes of span metrics at a 15s scrape interval:
// 4 requests per second, 1 of them an error; a latency histogram where
// half of the requests are faster than 100ms and three quarters faster
// than 500ms.
const spanMetrics = `
calls_total{service_name="checkout", status_code="STATUS_CODE_UNSET"} 0+45x40
calls_total{service_name="checkout", status_code="STATUS_CODE_ERROR"} 0+15x40
latency_bucket{service_name="checkout", le="0.1"}  0+30x40
latency_bucket{service_name="checkout", le="0.5"}  0+45x40
latency_bucket{service_name="checkout", le="+Inf"} 0+60x40
latency_count{service_name="checkout"}             0+60x40
`

func TestEmbeddedQuery(t *testing.T) {
	e := newEmbedded(t, prom.EmbeddedOptions{})
	if err := e.Load(context.Background(), start, 15*time.Second, spanMetrics); err != nil {
		t.Fatalf("Load: %v", err)
	}
	tests := []struct {
		name    string
		expr    string
		want    string
		wantErr string
	}{
		{
			name: "The increase of a counter over 5m counts every request in it.",
			expr: `sum(increase(calls_total[5m]))`,
			want: `{} => 1200 @[1767323045]`,
		},
		{
			name: "An error ratio keeps its grouping labels.",
			expr: `sum by (service_name) (rate(calls_total{status_code="STATUS_CODE_ERROR"}[5m])) / sum by (service_name) (rate(calls_total[5m]))`,
			want: `{service_name="checkout"} => 0.25 @[1767323045]`,
		},
		{
			name: "A latency SLI reads the bucket at its threshold.",
			expr: `sum(increase(latency_bucket{le="0.5"}[5m])) / sum(increase(latency_count[5m]))`,
			want: `{} => 0.75 @[1767323045]`,
		},
		{
			name: "A scalar answer becomes a vector of one sample with no labels.",
			expr: `scalar(sum(calls_total)) / 100`,
			want: `{} => 24 @[1767323045]`,
		},
		{
			name: "A selector with no data is an empty vector.",
			expr: `calls_total{service_name="cart"}`,
			want: ``,
		},
		{
			name:    "A string answer is an error naming the type.",
			expr:    `"hello"`,
			wantErr: `query "\"hello\"" at 2026-01-02T03:04:05Z: instant query returned a string, want a vector or scalar`,
		},
		{
			name:    "A parse error is bad_data and names the query.",
			expr:    `sum(rate(x[5m])`,
			wantErr: `query "sum(rate(x[5m])" at 2026-01-02T03:04:05Z: bad_data: 1:16: parse error: unclosed left parenthesis`,
		},
		{
			name:    "An evaluation error is an execution error.",
			expr:    `label_replace(calls_total, "status_code", "", "", "")`,
			wantErr: `query "label_replace(calls_total, \"status_code\", \"\", \"\", \"\")" at 2026-01-02T03:04:05Z: execution: vector cannot contain metrics with the same labelset`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.Query(context.Background(), tt.expr, at)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Query returned %v and no error, want %q", got, tt.wantErr)
				}
				if err.Error() != tt.wantErr {
					t.Errorf("error:\n got %s\nwant %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			if got.String() != tt.want {
				t.Errorf("vector:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
	if got, want := e.Stats(), (prom.QueryStats{Queries: uint64(len(tests)), Errors: 3}); got != want {
		t.Errorf("stats: got %+v, want %+v", got, want)
	}
}

func TestEmbeddedQueryRange(t *testing.T) {
	e := newEmbedded(t, prom.EmbeddedOptions{})
	if err := e.Load(context.Background(), start, 15*time.Second, spanMetrics); err != nil {
		t.Fatalf("Load: %v", err)
	}
	r := burnrate.Range{Start: at.Add(-2 * time.Minute), End: at, Step: time.Minute}
	got, err := e.QueryRange(context.Background(), `round(sum by (status_code) (rate(calls_total[1m])), 0.001)`, r)
	if err != nil {
		t.Fatalf("QueryRange: %v", err)
	}
	want := strings.Join([]string{
		`{status_code="STATUS_CODE_ERROR"} =>`,
		`1 @[1767322925]`,
		`1 @[1767322985]`,
		`1 @[1767323045]`,
		`{status_code="STATUS_CODE_UNSET"} =>`,
		`3 @[1767322925]`,
		`3 @[1767322985]`,
		`3 @[1767323045]`,
	}, "\n")
	if got.String() != want {
		t.Errorf("matrix:\n got %s\nwant %s", got, want)
	}

	_, err = e.QueryRange(context.Background(), `calls_total[5m]`, r)
	wantErr := `query range "calls_total[5m]" from 2026-01-02T03:02:05Z to 2026-01-02T03:04:05Z step 1m0s: bad_data: invalid expression type "range vector" for range query, must be Scalar or instant Vector`
	if err == nil || err.Error() != wantErr {
		t.Errorf("range query of a range vector: got error %v, want %s", err, wantErr)
	}
}

func TestEmbeddedQueryExemplars(t *testing.T) {
	e := newEmbedded(t, prom.EmbeddedOptions{})
	if err := e.Load(context.Background(), start, 15*time.Second, spanMetrics); err != nil {
		t.Fatalf("Load: %v", err)
	}
	// A slow request, recorded on the +Inf bucket, and a fast one on 0.1.
	app := e.Appender(context.Background())
	for _, ex := range []struct {
		le, traceID string
		value       float64
	}{
		{"+Inf", "4bf92f3577b34da6a3ce929d0e0e4736", 2.5},
		{"0.1", "00f067aa0ba902b7a3ce929d0e0e4736", 0.05},
	} {
		lbls := labels.FromStrings("__name__", "latency_bucket", "service_name", "checkout", "le", ex.le)
		ts := timestamp.FromTime(at.Add(15 * time.Second))
		ref, err := app.Append(0, lbls, ts, 1000)
		if err != nil {
			t.Fatalf("Append: %v", err)
		}
		_, err = app.AppendExemplar(ref, lbls, exemplar.Exemplar{
			Labels: labels.FromStrings("trace_id", ex.traceID),
			Value:  ex.value,
			Ts:     ts,
			HasTs:  true,
		})
		if err != nil {
			t.Fatalf("AppendExemplar: %v", err)
		}
	}
	if err := app.Commit(); err != nil {
		t.Fatalf("Commit: %v", err)
	}

	tests := []struct {
		name string
		expr string
		// want lists "le trace_id value" per exemplar, in the storage's order.
		want []string
	}{
		{
			name: "The exemplars of the selected bucket are returned.",
			expr: `latency_bucket{le="+Inf"}`,
			want: []string{"+Inf 4bf92f3577b34da6a3ce929d0e0e4736 2.5"},
		},
		{
			name: "Selectors inside a larger expression are used.",
			expr: `sum(rate(latency_bucket{service_name="checkout", le="0.1"}[5m])) / sum(rate(latency_count[5m]))`,
			want: []string{"0.1 00f067aa0ba902b7a3ce929d0e0e4736 0.05"},
		},
		{
			name: "A series without exemplars returns none.",
			expr: `calls_total`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.QueryExemplars(context.Background(), tt.expr, at, at.Add(time.Minute))
			if err != nil {
				t.Fatalf("QueryExemplars: %v", err)
			}
			var got []string
			for _, series := range res {
				for _, ex := range series.Exemplars {
					if !ex.Timestamp.Time().Equal(at.Add(15 * time.Second)) {
						t.Errorf("exemplar time: got %s, want %s", ex.Timestamp.Time().UTC(), at.Add(15*time.Second))
					}
					got = append(got, string(series.SeriesLabels["le"])+" "+string(ex.Labels["trace_id"])+" "+ex.Value.String())
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("exemplars:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestEmbeddedBackfill(t *testing.T) {
	tests := []struct {
		name   string
		window time.Duration
		// wantErr is empty when backfilling after live samples must work.
		wantErr string
	}{
		{
			name: "History 10 days old can be appended after live samples by default.",
		},
		{
			name:    "History older than the out-of-order window is refused.",
			window:  -1,
			wantErr: "load series at 2025-12-23T03:04:05Z every 1m0s: append {__name__=\"calls_total\"} at 2025-12-23T03:04:05Z: out of bounds",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEmbedded(t, prom.EmbeddedOptions{OutOfOrderWindow: tt.window})
			ctx := context.Background()
			if err := e.Load(ctx, at, time.Minute, `calls_total 1000 1010`); err != nil {
				t.Fatalf("Load live: %v", err)
			}
			old := at.Add(-10 * 24 * time.Hour)
			err := e.Load(ctx, old, time.Minute, `calls_total 0+1x60`)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("Load history: got error %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load history: %v", err)
			}
			got, err := e.Query(ctx, `calls_total`, old.Add(30*time.Minute))
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			if want := `calls_total => 30 @[1766460845]`; got.String() != want {
				t.Errorf("vector: got %s, want %s", got, want)
			}
		})
	}
}

func TestEmbeddedKeepsDataInItsDirectory(t *testing.T) {
	dir := t.TempDir()
	opts := prom.EmbeddedOptions{Dir: dir, Logger: slog.New(slog.DiscardHandler)}
	first, err := prom.NewEmbedded(opts)
	if err != nil {
		t.Fatalf("NewEmbedded: %v", err)
	}
	if err := first.Load(context.Background(), start, 15*time.Second, spanMetrics); err != nil {
		t.Fatalf("Load: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	second := newEmbedded(t, prom.EmbeddedOptions{Dir: dir})
	got, err := second.Query(context.Background(), `sum(increase(calls_total[5m]))`, at)
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	if want := `{} => 1200 @[1767323045]`; got.String() != want {
		t.Errorf("vector after reopening: got %s, want %s", got, want)
	}
}
