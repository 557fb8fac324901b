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

// renamedSeries is errorSeries until minute `rename`, then the same
// traffic under another metric name: the SLO's series stop, as they do when
// a Collector upgrade drops the _total suffix or a scrape job goes away.
func renamedSeries(minutes, rename int, tr traffic) string {
	before := errorSeries(rename+1, tr)
	var after strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(errorSeries(minutes, tr)), "\n") {
		name, values, _ := strings.Cut(line, " ")
		// The renamed series carry the same cumulative values, from the
		// rename on; the old ones end at the rename.
		fields := strings.Fields(values)
		skip := strings.Repeat("_ ", rename+1)
		after.WriteString(strings.Replace(name, "traces_span_metrics_calls_total", "traces_span_metrics_calls", 1) + " " + skip + strings.Join(fields[rename+1:], " ") + "\n")
	}
	return before + after.String()
}

func TestARenamedMetricIsNoDataNotRecovery(t *testing.T) {
	warmup := 6 * 60
	rename := warmup + 15
	tr := incident(steady(100, 0.0001), warmup, warmup+120, 1)
	eng := newEngine(t, renamedSeries(warmup+120, rename, tr))
	s := loadSLO(t, errorsSpec)
	for _, opts := range []burnrate.Options{{}, {Exact: true}} {
		t.Run(fmt.Sprintf("exact=%v", opts.Exact), func(t *testing.T) {
			ev := burnrate.NewEvaluator(opts)
			paged := false
			var noDataAt time.Duration = -1
			for at := time.Duration(warmup+5) * time.Minute; at <= time.Duration(rename+30)*time.Minute; at += 30 * time.Second {
				st := ev.Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(at)).Statuses[0]
				firing := st.Firing() == slo.Page
				paged = paged || firing
				switch {
				case st.State == burnrate.StateNoData:
					if noDataAt < 0 {
						noDataAt = at - time.Duration(rename)*time.Minute
						if !strings.Contains(st.Reason, "5m") || !strings.Contains(st.Reason, "traces_span_metrics_calls_total") {
							t.Errorf("no-data reason %q names neither the 5m window nor the query", st.Reason)
						}
						if w, _ := st.Window(5 * time.Minute); !w.NoData {
							t.Errorf("state no_data but the 5m window is not marked NoData: %+v", w)
						}
					}
				case paged && !firing:
					t.Fatalf("%s after the rename: state %s, page no longer firing: the missing series read as zero errors",
						at-time.Duration(rename)*time.Minute, st.State)
				}
			}
			if !paged {
				t.Fatal("the outage never paged before the rename")
			}
			// The last sample of the old name leaves the 5m window's two-sample
			// increase() about four minutes after the rename.
			if noDataAt < 0 || noDataAt > 6*time.Minute {
				t.Errorf("no_data %s after the rename, want within 6m", noDataAt)
			}
		})
	}
}

func TestAQuietWindowWithSeriesIsNotNoData(t *testing.T) {
	warmup := 6 * 60
	// Traffic stops for the last 30 minutes, but the series keep being
	// scraped (flat counters): zero events, not missing data.
	quiet := func(m int) (float64, float64) {
		if m >= warmup {
			return 0, 0
		}
		return 100, 0.01
	}
	eng := newEngine(t, errorSeries(warmup+30, quiet))
	s := loadSLO(t, errorsSpec)
	for _, opts := range []burnrate.Options{{}, {Exact: true}} {
		st := burnrate.NewEvaluator(opts).Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(time.Duration(warmup+29)*time.Minute)).Statuses[0]
		if st.State != burnrate.StateOK {
			t.Errorf("exact=%v: state %s (%s), want ok", opts.Exact, st.State, st.Reason)
		}
		for _, w := range st.Windows {
			if w.NoData {
				t.Errorf("exact=%v: window %s marked NoData although its series exist", opts.Exact, burnrate.FormatWindow(w.Window))
			}
		}
		if w, _ := st.Window(5 * time.Minute); w.Valid != 0 {
			t.Errorf("exact=%v: 5m valid events %v, want 0", opts.Exact, w.Valid)
		}
	}
}

func TestATiledWindowOfVanishedSeriesIsNoData(t *testing.T) {
	// The series stop 3h before the end: the 2h window (summed from tiles)
	// has no series left, while the 6h window still has some.
	minutes := 12 * 60
	eng := newEngine(t, errorSeries(minutes-180, steady(100, 0.001)))
	s := loadSLO(t, errorsSpec)
	ev := burnrate.NewEvaluator(burnrate.Options{})
	var st burnrate.Status
	// Step through, so that tiles built while the series lived are reused.
	for at := time.Duration(minutes-240) * time.Minute; at <= time.Duration(minutes)*time.Minute; at += 10 * time.Minute {
		st = ev.Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(at)).Statuses[0]
	}
	if w, _ := st.Window(2 * time.Hour); !w.NoData {
		t.Errorf("2h window of series gone for 3h: %+v, want NoData (tiles built from no series are not zero)", w)
	}
	if w, _ := st.Window(6 * time.Hour); w.NoData || !(w.Valid > 0) {
		t.Errorf("6h window: %+v, want the events of the hours the series lived", w)
	}
	if st.State != burnrate.StateNoData {
		t.Errorf("state %s, want no_data", st.State)
	}
}

func TestARawSLIWithoutTrafficIsNotNoData(t *testing.T) {
	warmup := 6 * 60
	quiet := func(m int) (float64, float64) {
		if m >= warmup {
			return 0, 0
		}
		return 100, 1
	}
	raw := func(metric string) *slo.SLO {
		return loadSLO(t, fmt.Sprintf(`version: burnwatch/v1
team: checkout
slos:
  - name: raw
    service: checkout
    objective: 99.9
    sli:
      raw:
        error_ratio_query: sum(increase(%[1]s{status_code="STATUS_CODE_ERROR"}[{{.window}}])) / sum(increase(%[1]s[{{.window}}]))
`, metric))
	}
	eng := newEngine(t, errorSeries(warmup+30, quiet))
	at := epoch.Add(time.Duration(warmup+29) * time.Minute)
	// 0/0 over the quiet minutes: the series exist, there were no calls.
	st := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(context.Background(), eng, []*slo.SLO{raw("traces_span_metrics_calls_total")}, at).Statuses[0]
	if st.State != burnrate.StateOK {
		t.Errorf("quiet raw SLI: state %s (%s), want ok", st.State, st.Reason)
	}
	if w, _ := st.Window(5 * time.Minute); w.NoData || !math.IsNaN(w.ErrorRatio) {
		t.Errorf("quiet raw SLI, 5m window: %+v, want an unknown error ratio that is not no data", w)
	}
	// A query that selects nothing is no data.
	st = burnrate.NewEvaluator(burnrate.Options{}).Evaluate(context.Background(), eng, []*slo.SLO{raw("renamed_calls_total")}, at).Statuses[0]
	if st.State != burnrate.StateNoData {
		t.Errorf("raw SLI on a missing metric: state %s, want no_data", st.State)
	}
}
