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

// Span-metrics producers name their labels differently; each test here
// writes the series one of them exposes and checks the default SLOs read
// them right.

func TestCollectorInstancesAreSummed(t *testing.T) {
	minutes := 8 * 60
	var series strings.Builder
	// Two Collector instances share the traffic; the second restarts with
	// a new instance id halfway through the last hour.
	for _, inst := range []struct {
		id       string
		from, to int
		share    float64
	}{{"a", 0, minutes, 0.5}, {"b", 0, minutes - 30, 0.5}, {"c", minutes - 30, minutes, 0.5}} {
		tr := steady(100*inst.share, 0.01)
		for _, kind := range []struct {
			code string
			inc  func(int) float64
		}{{"STATUS_CODE_OK", func(m int) float64 { c, b := tr(m); return c - b }}, {"STATUS_CODE_ERROR", func(m int) float64 { _, b := tr(m); return b }}} {
			values := strings.Repeat("_ ", inst.from) + cumulative(inst.to-inst.from, kind.inc)
			fmt.Fprintf(&series, "traces_span_metrics_calls_total{service_name=\"checkout\",collector_instance_id=%q,status_code=%q} %s\n", inst.id, kind.code, values)
		}
	}
	eng := newEngine(t, series.String())
	s := loadSLO(t, errorsSpec)
	rec := &recordingEngine{q: eng}
	for _, opts := range []burnrate.Options{{}, {Exact: true}} {
		st := burnrate.NewEvaluator(opts).Evaluate(context.Background(), rec, []*slo.SLO{s}, epoch.Add(time.Duration(minutes-1)*time.Minute)).Statuses[0]
		w, _ := st.Window(6 * time.Hour)
		if math.Abs(w.Valid-360*100)/(360*100) > 0.02 || math.Abs(w.ErrorRatio-0.01) > 0.0005 {
			t.Errorf("exact=%v: 6h window %v valid events at %v errors, want about 36000 at 0.01", opts.Exact, w.Valid, w.ErrorRatio)
		}
	}
	for _, q := range rec.queries {
		if strings.Contains(q, "collector_instance_id") {
			t.Errorf("query keeps collector_instance_id: %s", q)
		}
	}
}

func TestUTF8NamesAreQueriedWithTheirDots(t *testing.T) {
	minutes := 8 * 60
	tr := steady(100, 0.2)
	ok := cumulative(minutes, func(m int) float64 { c, b := tr(m); return c - b })
	bad := cumulative(minutes, func(m int) float64 { _, b := tr(m); return b })
	eng := newEngine(t, fmt.Sprintf(`{"traces.span.metrics.calls", "service.name"="checkout", "status.code"="STATUS_CODE_OK"} %s`+"\n"+
		`{"traces.span.metrics.calls", "service.name"="checkout", "status.code"="STATUS_CODE_ERROR"} %s`+"\n", ok, bad))
	s := loadSLO(t, `version: burnwatch/v1
team: checkout
slos:
  - name: availability
    service: checkout
    objective: 99.9
    sli:
      errors:
        metric: '{"traces.span.metrics.calls", "service.name"="checkout"}'
        error_matcher: '"status.code"="STATUS_CODE_ERROR"'
`)
	for _, opts := range []burnrate.Options{{}, {Exact: true}} {
		st := burnrate.NewEvaluator(opts).Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(time.Duration(minutes-1)*time.Minute)).Statuses[0]
		if st.State != burnrate.StateOK {
			t.Fatalf("exact=%v: state %s: %s", opts.Exact, st.State, st.Reason)
		}
		for _, w := range st.Windows {
			if math.Abs(w.ErrorRatio-0.2) > 0.001 {
				t.Errorf("exact=%v: window %s error ratio %v, want 0.2", opts.Exact, burnrate.FormatWindow(w.Window), w.ErrorRatio)
			}
		}
	}
}
