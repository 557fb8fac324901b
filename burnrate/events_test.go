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

// TestTheGroupsOfASummedCounterEventsSLIShareItsQueries expands a grouped
// events SLI over a summed counter: each group's queries gain an equality
// matcher, and the planner merges the groups as it merges errors SLIs
// that differ only in one, so that three groups cost the queries of one.
func TestTheGroupsOfASummedCounterEventsSLIShareItsQueries(t *testing.T) {
	minutes := 2 * 24 * 60
	var series strings.Builder
	for i, svc := range []string{"checkout", "cart", "search"} {
		tr := incident(steady(100, 0.001), minutes-300, minutes-200, 0.01*float64(i+1))
		series.WriteString(strings.ReplaceAll(errorSeries(minutes, tr), `service_name="checkout"`, fmt.Sprintf(`service_name="checkout",span_name=%q`, svc)))
	}
	eng := newEngine(t, series.String())
	grouped := loadSLO(t, strings.Replace(eventsRateSpec, "    objective: 99.9\n", "    objective: 99.9\n    group_by: [span_name]\n", 1))
	var groups []*slo.SLO
	for _, span := range []string{"checkout", "cart", "search"} {
		g, err := slo.ExpandGroup(grouped, []string{span})
		if err != nil {
			t.Fatal(err)
		}
		groups = append(groups, g)
	}
	ctx := context.Background()
	at := epoch.Add(time.Duration(minutes-150) * time.Minute)
	one, all := burnrate.NewEvaluator(burnrate.Options{}), burnrate.NewEvaluator(burnrate.Options{})
	var alone, together burnrate.Result
	for i := range 12 {
		alone = one.Evaluate(ctx, eng, groups[:1], at.Add(time.Duration(i)*30*time.Second))
		together = all.Evaluate(ctx, eng, groups, at.Add(time.Duration(i)*30*time.Second))
	}
	if together.Queries != alone.Queries {
		t.Errorf("three groups sent %d queries, one group %d: the groups should share them", together.Queries, alone.Queries)
	}
	for i, st := range together.Statuses {
		if st.State != burnrate.StateOK {
			t.Fatalf("%s: state %s (%s)", st.SLO.ID, st.State, st.Reason)
		}
		// Each group reads its own series: over the 6h window the
		// incident's bad share is the group's own.
		w, _ := st.Window(6 * time.Hour)
		want := (100*0.01*float64(i+1) + 260*0.001) / 360
		if math.Abs(w.ErrorRatio-want) > 0.02*want {
			t.Errorf("%s: 6h error ratio %v, want about %v", st.SLO.ID, w.ErrorRatio, want)
		}
	}
}
