package burnrate_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// recordingQuerier answers every query with nothing and remembers it.
type recordingQuerier struct {
	mu      sync.Mutex
	queries []string
}

func (r *recordingQuerier) Query(_ context.Context, expr string, _ time.Time) (model.Vector, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queries = append(r.queries, expr)
	return nil, nil
}

func (r *recordingQuerier) QueryRange(_ context.Context, expr string, _ burnrate.Range) (model.Matrix, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queries = append(r.queries, "range "+expr)
	return nil, nil
}

// manySLOs returns n latency SLOs and n errors SLOs on the same span
// metrics, one per service and span name, with two thresholds.
func manySLOs(t testing.TB, n int) []*slo.SLO {
	var b strings.Builder
	b.WriteString("version: burnwatch/v1\nteam: t\nslos:\n")
	for i := range n {
		fmt.Fprintf(&b, `  - name: latency-%[1]d
    service: svc-%[2]d
    objective: 99.9
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds_bucket{service_name="svc-%[2]d", span_name="op-%[1]d"}
        threshold: %[3]dms
  - name: errors-%[1]d
    service: svc-%[2]d
    objective: 99.5
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="svc-%[2]d", span_name="op-%[1]d"}
`, i, i%50, 250+1750*(i%2))
	}
	set, diags := slo.LoadBytes("many.yaml", []byte(b.String()))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return set.SLOs
}

func TestQueriesPerCycleStayFlatAsSLOsSharingMetricsGrow(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 30, 0, time.UTC)
	count := func(n int) (first, steady int) {
		slos := manySLOs(t, n)
		ev := burnrate.NewEvaluator(burnrate.Options{})
		first = ev.Evaluate(context.Background(), &recordingQuerier{}, slos, at).Queries
		steady = ev.Evaluate(context.Background(), &recordingQuerier{}, slos, at.Add(30*time.Second)).Queries
		return first, steady
	}
	first10, steady10 := count(5)
	first10k, steady10k := count(5000)
	t.Logf("10 SLOs: %d queries on the first cycle, %d after; 10,000 SLOs: %d and %d", first10, steady10, first10k, steady10k)
	if first10 != first10k || steady10 != steady10k {
		t.Errorf("queries per cycle grew with the number of SLOs: 10 SLOs %d/%d, 10,000 SLOs %d/%d", first10, steady10, first10k, steady10k)
	}
}

func TestSLOsOnOneHistogramShareOneQueryPerWindow(t *testing.T) {
	q := &recordingQuerier{}
	at := time.Date(2026, 3, 1, 12, 0, 30, 0, time.UTC)
	burnrate.NewEvaluator(burnrate.Options{Exact: true}).Evaluate(context.Background(), q, manySLOs(t, 4), at)
	// One query answers both thresholds of every SLO, and names the few
	// series it needs rather than reading the whole metric.
	want := `sum by (service_name, span_name, le) (increase(traces_span_metrics_duration_milliseconds_bucket{le=~"250|250\\.0|2000|2000\\.0", service_name=~"svc-0|svc-1|svc-2|svc-3", span_name=~"op-0|op-1|op-2|op-3"}[1h]))`
	found := false
	for _, expr := range q.queries {
		if strings.Contains(expr, "[1h]") && strings.Contains(expr, "_bucket") {
			if expr != want {
				t.Errorf("bucket query = %s\nwant           %s", expr, want)
			}
			found = true
		}
	}
	if !found {
		t.Errorf("no merged bucket query for 1h among %d queries", len(q.queries))
	}
}

func TestErrorsSLOsOnOneCounterShareOneQueryPerAlternativePerWindow(t *testing.T) {
	q := &recordingQuerier{}
	at := time.Date(2026, 3, 1, 12, 0, 30, 0, time.UTC)
	burnrate.NewEvaluator(burnrate.Options{Exact: true}).Evaluate(context.Background(), q, manySLOs(t, 4), at)
	// The valid calls, then the default error matcher's alternatives: the
	// failed calls of each status-code convention.
	const readers = `service_name=~"svc-0|svc-1|svc-2|svc-3", span_name=~"op-0|op-1|op-2|op-3"`
	want := []string{
		`sum by (service_name, span_name) (increase(traces_span_metrics_calls_total{` + readers + `}[1h]))`,
		`sum by (service_name, span_name) (increase(traces_span_metrics_calls_total{status_code="STATUS_CODE_ERROR", ` + readers + `}[1h]))`,
		`sum by (service_name, span_name) (increase(traces_span_metrics_calls_total{otel_status_code="ERROR", status_code!="STATUS_CODE_ERROR", ` + readers + `}[1h]))`,
	}
	var got []string
	for _, expr := range q.queries {
		if strings.Contains(expr, "[1h]") && strings.Contains(expr, "calls_total") {
			got = append(got, expr)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("calls queries over 1h:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

// fixedQuerier answers every query with the same vector.
type fixedQuerier struct{ vec model.Vector }

func (f fixedQuerier) Query(context.Context, string, time.Time) (model.Vector, error) {
	return f.vec, nil
}

func (f fixedQuerier) QueryRange(context.Context, string, burnrate.Range) (model.Matrix, error) {
	return nil, nil
}

func TestBadAnswersAreDefined(t *testing.T) {
	raw := loadSLO(t, `version: burnwatch/v1
team: t
slos:
  - name: raw
    service: svc
    objective: 99
    sli:
      raw:
        error_ratio_query: sum(rate(errors[{{.window}}])) / sum(rate(requests[{{.window}}]))
`)
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		vec       model.Vector
		wantState burnrate.State
	}{
		{"no series at all is no data", nil, burnrate.StateNoData},
		{"NaN (0/0, zero traffic) is no data", model.Vector{{Value: model.SampleValue(math.NaN())}}, burnrate.StateNoData},
		{"+Inf is an error that names the query", model.Vector{{Value: model.SampleValue(math.Inf(1))}}, burnrate.StateError},
		{"a ratio above 1 is clamped and burns", model.Vector{{Value: 3}}, burnrate.StateOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := burnrate.NewEvaluator(burnrate.Options{Exact: true}).Evaluate(context.Background(), fixedQuerier{tt.vec}, []*slo.SLO{raw}, at).Statuses[0]
			if st.State != tt.wantState {
				t.Fatalf("state %s (%s), want %s", st.State, st.Reason, tt.wantState)
			}
			if st.State == burnrate.StateError && !strings.Contains(st.Reason, "sum(rate(errors[") {
				t.Errorf("reason %q does not name the query", st.Reason)
			}
			if st.State == burnrate.StateOK && st.Windows[0].ErrorRatio != 1 {
				t.Errorf("error ratio %v, want clamped to 1", st.Windows[0].ErrorRatio)
			}
		})
	}
}

// recordingEngine passes queries to q and remembers them.
type recordingEngine struct {
	q       burnrate.Querier
	mu      sync.Mutex
	queries []string
}

func (r *recordingEngine) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	r.mu.Lock()
	r.queries = append(r.queries, expr)
	r.mu.Unlock()
	return r.q.Query(ctx, expr, at)
}

func (r *recordingEngine) QueryRange(ctx context.Context, expr string, rg burnrate.Range) (model.Matrix, error) {
	r.mu.Lock()
	r.queries = append(r.queries, expr)
	r.mu.Unlock()
	return r.q.QueryRange(ctx, expr, rg)
}
