package burnrate_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// rangeCounter counts the range queries (tile builds and reads) a querier
// is sent.
type rangeCounter struct {
	burnrate.Querier
	ranges atomic.Int64
}

func (r *rangeCounter) QueryRange(ctx context.Context, expr string, rg burnrate.Range) (model.Matrix, error) {
	r.ranges.Add(1)
	return r.Querier.QueryRange(ctx, expr, rg)
}

// TestAnEvaluatorAnswersBeforeItBuildsItsTiles: with AnswerBeforeTiles,
// the first cycle answers every window as the exact evaluator does and
// sends no range query; the second builds the tiles and answers what an
// evaluator that built them in its first cycle answers.
func TestAnEvaluatorAnswersBeforeItBuildsItsTiles(t *testing.T) {
	minutes := 4 * 24 * 60
	eng := newEngine(t, errorSeries(minutes, incident(steady(100, 0.001), minutes-300, minutes-240, 0.05))+latencySeries(minutes, steady(100, 0.002)))
	slos := []*slo.SLO{loadSLO(t, errorsSpec), loadSLO(t, latencySpec)}
	ctx := context.Background()
	at := epoch.Add(time.Duration(minutes-1) * time.Minute)

	q := &rangeCounter{Querier: eng}
	cold := burnrate.NewEvaluator(burnrate.Options{AnswerBeforeTiles: true})
	first := cold.Evaluate(ctx, q, slos, at)
	if n := q.ranges.Load(); n > 0 {
		t.Errorf("the first cycle sent %d range queries, want none", n)
	}
	same := func(what string, got, want burnrate.Result) {
		t.Helper()
		for i, w := range want.Statuses {
			g := got.Statuses[i]
			if g.State != w.State || g.State == burnrate.StateError {
				t.Fatalf("%s: %s is %s (%s), want %s (%s)", what, g.SLO.ID, g.State, g.Reason, w.State, w.Reason)
			}
			for j := range w.Windows {
				if !closeTo(g.Windows[j].Valid, w.Windows[j].Valid) || !closeTo(g.Windows[j].Good, w.Windows[j].Good) {
					t.Errorf("%s: %s over %s: %+v, want %+v", what, g.SLO.ID, burnrate.FormatWindow(w.Windows[j].Window), g.Windows[j], w.Windows[j])
				}
			}
		}
	}
	same("first cycle", first, burnrate.NewEvaluator(burnrate.Options{Exact: true}).Evaluate(ctx, eng, slos, at))

	at = at.Add(30 * time.Second)
	second := cold.Evaluate(ctx, q, slos, at)
	if q.ranges.Load() == 0 {
		t.Error("the second cycle sent no range query: it did not build the tiles")
	}
	same("second cycle", second, burnrate.NewEvaluator(burnrate.Options{}).Evaluate(ctx, eng, slos, at))
}
