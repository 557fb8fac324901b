package burnrate_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

func TestABlockedSLOIsAnErrorAndTheOthersAreEvaluated(t *testing.T) {
	minutes := 8 * 60
	eng := newEngine(t, errorSeries(minutes, steady(100, 0.01))+latencySeries(minutes, steady(100, 0.01)))
	errs, lat := loadSLO(t, errorsSpec), loadSLO(t, latencySpec)
	ev := burnrate.NewEvaluator(burnrate.Options{})
	reason := `no bucket le="1500" on traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}; the nearest are 1400 and 2000`
	ev.SetBlocked(map[string]string{lat.ID: reason})
	rec := &recordingEngine{q: eng}
	res := ev.Evaluate(context.Background(), rec, []*slo.SLO{lat, errs}, epoch.Add(time.Duration(minutes-1)*time.Minute))
	if len(res.Statuses) != 2 || res.Statuses[0].SLO != lat || res.Statuses[1].SLO != errs {
		t.Fatalf("statuses are not one per SLO in order: %v", res.Statuses)
	}
	if st := res.Statuses[0]; st.State != burnrate.StateError || st.Reason != reason || len(st.Alerts) != 0 {
		t.Errorf("blocked SLO: state %s, reason %q, %d alerts; want error with the blocked reason and no alerts", st.State, st.Reason, len(st.Alerts))
	}
	if st := res.Statuses[1]; st.State != burnrate.StateOK {
		t.Errorf("the other SLO: state %s (%s), want ok", st.State, st.Reason)
	}
	for _, q := range rec.queries {
		if strings.Contains(q, "duration_milliseconds") {
			t.Errorf("the blocked SLO was queried: %s", q)
		}
	}
	ev.SetBlocked(nil)
	if st := ev.Evaluate(context.Background(), eng, []*slo.SLO{lat}, epoch.Add(time.Duration(minutes-1)*time.Minute)).Statuses[0]; st.State != burnrate.StateOK {
		t.Errorf("after unblocking: state %s (%s), want ok", st.State, st.Reason)
	}
}
