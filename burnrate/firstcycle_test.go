package burnrate_test

import (
	"context"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

func TestTheFirstCycleHoldsNoMorePointsForALongerHistory(t *testing.T) {
	held := map[int]int64{}
	for _, days := range []int{4, 9} {
		minutes := days * 24 * 60
		eng := newEngine(t, errorSeries(minutes, steady(100, 0.001)))
		q := &countingEngine{q: eng}
		at := epoch.Add(time.Duration(minutes-1) * time.Minute)
		st := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(context.Background(), q, []*slo.SLO{loadSLO(t, errorsSpec)}, at).Statuses[0]
		if st.State != burnrate.StateOK {
			t.Fatalf("%d days: %s %s", days, st.State, st.Reason)
		}
		held[days] = q.mostHeld.Load()
		t.Logf("%d days of history: %d points read, at most %d in one answer", days, q.points.Load(), held[days])
	}
	// One key per source here: an answer holds at most two days of
	// coarse tiles or four hours of fine ones, whatever the history.
	if held[9] != held[4] || held[9] > 48 {
		t.Errorf("the most points one answer held: %d with 4 days of history, %d with 9, want the same and at most 48", held[4], held[9])
	}
}
