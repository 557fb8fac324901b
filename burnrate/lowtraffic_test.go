package burnrate_test

import (
	"context"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// failures is a call a minute (or calls a minute) with the given minutes
// failing.
func failures(calls float64, failed ...int) traffic {
	return func(m int) (float64, float64) {
		for _, f := range failed {
			if m == f {
				return calls, calls
			}
		}
		return calls, 0
	}
}

// outage is calls a minute, all failing from minute `from` on.
func outage(calls float64, from int) traffic {
	return func(m int) (float64, float64) {
		if m >= from {
			return calls, calls
		}
		return calls, 0
	}
}

func TestTheLowTrafficPolicyPagesOnEvidenceNotOnOneStrayFailure(t *testing.T) {
	const warmup, watch = 3 * 60, 30
	guardOff := errorsSpec + "    alerting:\n      low_traffic_confidence: 0\n"
	for _, tc := range []struct {
		name    string
		spec    string
		traffic traffic
		// pageAfter is the first minute after the warmup that pages, -1
		// for none.
		pageAfter int
	}{
		{"one failure among a call a minute does not page", errorsSpec, failures(1, warmup), -1},
		{"with the guard off, one failure among a call a minute pages, as Sloth's rules do", guardOff, failures(1, warmup), 1},
		{"two failures among a call a minute page", errorsSpec, failures(1, warmup, warmup+3), 4},
		{"a total outage of a call-a-minute service pages at its second failure", errorsSpec, outage(1, warmup), 2},
		{"one failure among 10 calls an hour pages: it is 14% of a month's budget", errorsSpec, func(m int) (float64, float64) {
			if m == warmup {
				return 1, 1
			}
			return 1.0 / 6, 0
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng := newEngine(t, errorSeries(warmup+watch, tc.traffic))
			s := loadSLO(t, tc.spec)
			ev := burnrate.NewEvaluator(burnrate.Options{})
			got := -1
			for m := warmup - 5; m < warmup+watch && got < 0; m++ {
				st := ev.Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(time.Duration(m)*time.Minute+30*time.Second)).Statuses[0]
				if st.Firing() == slo.Page {
					got = m - warmup + 1
				}
				if tc.pageAfter < 0 && st.State == burnrate.StateLowTraffic && st.Reason == "" {
					t.Errorf("held at minute %d without a reason", m)
				}
			}
			if got != tc.pageAfter {
				t.Errorf("paged after %d minutes, want %d (-1: never)", got, tc.pageAfter)
			}
		})
	}
}
