package burnrate_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// The Collector's spanmetrics connector labels a span's status in one of
// two conventions. By default every series has status_code
// (STATUS_CODE_UNSET, _OK or _ERROR). Under the feature gate
// spanmetrics.statusCodeConvention.useOtelPrefix a failed span's series has
// otel_status_code="ERROR", an ok one's otel_status_code="OK", and an unset
// one's (the most common) no status label at all.

// callsSeries is one calls counter of the checkout service, growing by
// perMinute calls a minute, all failed or none.
type callsSeries struct {
	labels    string
	perMinute float64
	failed    bool
}

func renderCalls(minutes int, fleet []callsSeries) string {
	var b strings.Builder
	for _, s := range fleet {
		sel := `service_name="checkout"`
		if s.labels != "" {
			sel += "," + s.labels
		}
		fmt.Fprintf(&b, "traces_span_metrics_calls_total{%s} %s\n", sel, cumulative(minutes, func(int) float64 { return s.perMinute }))
	}
	return b.String()
}

// failedShare is the share of the fleet's calls that failed.
func failedShare(fleet []callsSeries) float64 {
	var failed, total float64
	for _, s := range fleet {
		total += s.perMinute
		if s.failed {
			failed += s.perMinute
		}
	}
	return failed / total
}

func TestTheDefaultErrorMatcherCountsExactlyTheFailedCalls(t *testing.T) {
	const minutes = 8 * 60
	tests := []struct {
		name  string
		fleet []callsSeries
	}{
		{
			name: "without the feature gate every series has status_code",
			fleet: []callsSeries{
				{`span_name="GET /cart",status_code="STATUS_CODE_UNSET"`, 70, false},
				{`span_name="GET /cart",status_code="STATUS_CODE_OK"`, 20, false},
				{`span_name="GET /cart",status_code="STATUS_CODE_ERROR"`, 10, true},
			},
		},
		{
			name: "under the feature gate an unset span has no status label",
			fleet: []callsSeries{
				{`span_name="GET /cart"`, 70, false},
				{`span_name="GET /cart",otel_status_code="OK"`, 20, false},
				{`span_name="GET /cart",otel_status_code="ERROR"`, 10, true},
			},
		},
		{
			name: "a fleet with the gate on some Collectors and off on others",
			fleet: []callsSeries{
				{`collector="a",status_code="STATUS_CODE_UNSET"`, 40, false},
				{`collector="a",status_code="STATUS_CODE_OK"`, 10, false},
				{`collector="a",status_code="STATUS_CODE_ERROR"`, 5, true},
				{`collector="b"`, 30, false},
				{`collector="b",otel_status_code="OK"`, 10, false},
				{`collector="b",otel_status_code="ERROR"`, 15, true},
			},
		},
		{
			name: "a user dimension named status_code beside the gate's otel_status_code",
			fleet: []callsSeries{
				{`status_code="200"`, 60, false},
				{`status_code="500",otel_status_code="ERROR"`, 30, true},
				{`status_code="200",otel_status_code="OK"`, 10, false},
			},
		},
	}
	at := epoch.Add((minutes - 1) * time.Minute)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := newEngine(t, renderCalls(minutes, tt.fleet))
			s := loadSLO(t, errorsSpec)
			want := failedShare(tt.fleet)
			for _, opts := range []burnrate.Options{{}, {Exact: true}} {
				st := burnrate.NewEvaluator(opts).Evaluate(context.Background(), eng, []*slo.SLO{s}, at).Statuses[0]
				if st.State != burnrate.StateOK {
					t.Fatalf("exact=%v: state %s: %s", opts.Exact, st.State, st.Reason)
				}
				for _, w := range st.Windows {
					if math.Abs(w.ErrorRatio-want) > 1e-9 {
						t.Errorf("exact=%v: %s error ratio %v, want failed/total = %v", opts.Exact, burnrate.FormatWindow(w.Window), w.ErrorRatio, want)
					}
				}
				if math.Abs(st.Budget.ErrorRatio-want) > 1e-9 {
					t.Errorf("exact=%v: period error ratio %v, want %v", opts.Exact, st.Budget.ErrorRatio, want)
				}
			}
			// The SLI's own PromQL (the dashboard's charts and history)
			// says the same.
			expr, err := s.SLI.ErrorRatioQueryFor("1h")
			if err != nil {
				t.Fatal(err)
			}
			vec, err := eng.Query(context.Background(), expr, at)
			if err != nil {
				t.Fatalf("%s: %v", expr, err)
			}
			if len(vec) != 1 || math.Abs(float64(vec[0].Value)-want) > 1e-9 {
				t.Errorf("%s = %v, want %v", expr, vec, want)
			}
		})
	}
}

func TestAServiceWithOnlyUnsetSpansUnderTheGateNeverPages(t *testing.T) {
	const minutes = 6 * 60
	eng := newEngine(t, renderCalls(minutes, []callsSeries{{`span_name="GET /cart",span_kind="SPAN_KIND_SERVER"`, 100, false}}))
	s := loadSLO(t, errorsSpec)
	ev := burnrate.NewEvaluator(burnrate.Options{})
	for at := 10 * time.Minute; at < minutes*time.Minute; at += 10 * time.Minute {
		st := ev.Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(at)).Statuses[0]
		if st.State != burnrate.StateOK {
			t.Fatalf("at %s: state %s: %s", at, st.State, st.Reason)
		}
		for _, w := range st.Windows {
			if w.ErrorRatio != 0 {
				t.Errorf("at %s: %s error ratio %v, want 0", at, burnrate.FormatWindow(w.Window), w.ErrorRatio)
			}
		}
		for _, a := range st.Alerts {
			if a.Firing {
				t.Errorf("at %s: %s alert %s/%s fires on a healthy service", at, a.Severity, burnrate.FormatWindow(a.Long), burnrate.FormatWindow(a.Short))
			}
		}
	}
}

// failingOn fails the queries that contain a string and passes the others
// on.
type failingOn struct {
	q      burnrate.Querier
	substr string
}

func (f failingOn) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	if strings.Contains(expr, f.substr) {
		return nil, errors.New("connection reset by peer")
	}
	return f.q.Query(ctx, expr, at)
}

func (f failingOn) QueryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	if strings.Contains(expr, f.substr) {
		return nil, errors.New("connection reset by peer")
	}
	return f.q.QueryRange(ctx, expr, r)
}

func TestAFailedQueryOfOneAlternativeIsAnErrorNotZeroFailures(t *testing.T) {
	const minutes = 2 * 60
	eng := newEngine(t, renderCalls(minutes, []callsSeries{{``, 90, false}, {`otel_status_code="ERROR"`, 10, true}}))
	s := loadSLO(t, errorsSpec)
	for _, opts := range []burnrate.Options{{}, {Exact: true}} {
		st := burnrate.NewEvaluator(opts).Evaluate(context.Background(), failingOn{eng, `otel_status_code="ERROR"`}, []*slo.SLO{s}, epoch.Add((minutes-1)*time.Minute)).Statuses[0]
		if st.State != burnrate.StateError || !strings.Contains(st.Reason, "connection reset by peer") {
			t.Errorf("exact=%v: state %s (%s), want error with the query's failure", opts.Exact, st.State, st.Reason)
		}
	}
}
