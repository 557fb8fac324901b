package burnrate_test

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// sparseCounter renders a counter that grows by perMinute and is sampled
// every `every` minutes only, as a backfill or a slow scrape writes it.
func sparseCounter(minutes, every int, perMinute float64) string {
	var b strings.Builder
	for m := range minutes {
		if m%every != 0 {
			b.WriteString("_ ")
			continue
		}
		b.WriteString(strconv.FormatFloat(float64(m)*perMinute, 'f', -1, 64) + " ")
	}
	return b.String()
}

// TestSparseCountersAreCountedOverTiledWindows reads counters sampled
// further apart than the lookback (five minutes): at some tile boundaries
// they have no value. A tiled window must still count their increase as
// increase() over the whole window does, not only over the stretches where
// both ends of a tile find a sample.
func TestSparseCountersAreCountedOverTiledWindows(t *testing.T) {
	const minutes = 2 * 24 * 60
	tests := []struct {
		name  string
		every int
	}{
		{"A counter sampled every six minutes is counted in full.", 6},
		{"A counter sampled every ten minutes is counted in full.", 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			series := fmt.Sprintf("traces_span_metrics_calls_total{service_name=\"checkout\",status_code=\"STATUS_CODE_OK\"} %s\n"+
				"traces_span_metrics_calls_total{service_name=\"checkout\",status_code=\"STATUS_CODE_ERROR\"} %s\n",
				sparseCounter(minutes, tt.every, 99), sparseCounter(minutes, tt.every, 1))
			eng := newEngine(t, series)
			slos := []*slo.SLO{loadSLO(t, errorsSpec), loadSLO(t, eventsRateSpec)}
			ctx := context.Background()
			tiled := burnrate.NewEvaluator(burnrate.Options{})
			exact := burnrate.NewEvaluator(burnrate.Options{Exact: true})
			// Several cycles, so that kept tails are read too.
			for at := epoch.Add(minutes*time.Minute - 3*time.Hour); !at.After(epoch.Add(minutes*time.Minute - 2*time.Hour)); at = at.Add(7 * time.Minute) {
				got, want := tiled.Evaluate(ctx, eng, slos, at), exact.Evaluate(ctx, eng, slos, at)
				for i, st := range got.Statuses {
					ref := want.Statuses[i]
					if st.State != ref.State {
						t.Fatalf("%s at %s: state %s (%s), exact %s (%s)", st.SLO.ID, at.Sub(epoch), st.State, st.Reason, ref.State, ref.Reason)
					}
					for j, w := range st.Windows {
						r := ref.Windows[j]
						// Both read the counters' samples: exact extrapolates
						// to the window's ends, the tiles count from the
						// last sample before the start to the last sample,
						// each at most a sample interval from its end.
						slack := 2 * float64(tt.every) * time.Minute.Seconds() / w.Window.Seconds()
						if math.Abs(w.Valid-r.Valid) > slack*r.Valid || math.Abs(w.ErrorRatio-0.01) > 1e-9 {
							t.Errorf("%s at %s over %s: valid %v, error ratio %v; exact valid %v, error ratio %v",
								st.SLO.ID, at.Sub(epoch), burnrate.FormatWindow(w.Window), w.Valid, w.ErrorRatio, r.Valid, r.ErrorRatio)
						}
					}
				}
			}
		})
	}
}
