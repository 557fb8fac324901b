package burnrate_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

const eventsRateSpec = `version: burnwatch/v1
team: checkout
slos:
  - name: availability-events
    service: checkout
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(traces_span_metrics_calls_total{service_name="checkout",status_code="STATUS_CODE_ERROR"}[{{.window}}]))
        total_query: sum(rate(traces_span_metrics_calls_total{service_name="checkout"}[{{.window}}]))
`

const errorsOnlySpec = `version: burnwatch/v1
team: checkout
slos:
  - name: availability
    service: checkout
    objective: 99.9
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="checkout"}
        error_matcher: 'status_code="STATUS_CODE_ERROR"'
`

func TestASummedCounterEventsSLIIsTheErrorsSLIOnItsCounter(t *testing.T) {
	minutes := 2 * 24 * 60
	eng := newEngine(t, errorSeries(minutes, incident(steady(100, 0.001), minutes-300, minutes-200, 0.05)))
	events, errs := loadSLO(t, eventsRateSpec), loadSLO(t, errorsOnlySpec)
	ctx := context.Background()
	at := epoch.Add(time.Duration(minutes-150) * time.Minute)
	ev := burnrate.NewEvaluator(burnrate.Options{})
	var both, alone burnrate.Result
	for i := range 12 {
		both = ev.Evaluate(ctx, eng, []*slo.SLO{events, errs}, at.Add(time.Duration(i)*30*time.Second))
	}
	lone := burnrate.NewEvaluator(burnrate.Options{})
	for i := range 12 {
		alone = lone.Evaluate(ctx, eng, []*slo.SLO{errs}, at.Add(time.Duration(i)*30*time.Second))
	}
	if both.Queries != alone.Queries {
		t.Errorf("the events SLI and the errors SLI sent %d queries, the errors SLI alone %d: they should share them", both.Queries, alone.Queries)
	}
	e, n := both.Statuses[0], both.Statuses[1]
	if e.State != burnrate.StateOK || n.State != burnrate.StateOK {
		t.Fatalf("states %s (%s) and %s (%s)", e.State, e.Reason, n.State, n.Reason)
	}
	for i, w := range n.Windows {
		got := e.Windows[i]
		if got.ErrorRatio != w.ErrorRatio && math.Abs(got.ErrorRatio-w.ErrorRatio) > 1e-12 {
			t.Errorf("%s: events error ratio %v, errors %v", burnrate.FormatWindow(w.Window), got.ErrorRatio, w.ErrorRatio)
		}
		// rate() is the increase per second of the window.
		if want := w.Valid / w.Window.Seconds(); math.Abs(got.Valid-want) > 1e-9*want {
			t.Errorf("%s: events valid %v, want %v a second", burnrate.FormatWindow(w.Window), got.Valid, want)
		}
	}
}
