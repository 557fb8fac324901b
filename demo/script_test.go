package demo

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestOffsetWritesTimesRelativeToT(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    time.Duration
		want string
	}{
		{"the start is T+0s", 0, "T+0s"},
		{"seconds alone", 20 * time.Second, "T+20s"},
		{"whole minutes drop the seconds", 3 * time.Minute, "T+3m"},
		{"minutes and seconds", 110 * time.Second, "T+1m50s"},
		{"hours, minutes and seconds", time.Hour + 2*time.Minute + 3*time.Second, "T+1h2m3s"},
		{"milliseconds round to the second", 1500 * time.Millisecond, "T+2s"},
		{"history is in days and hours", -9*day + 3*time.Hour, "T-8d21h"},
		{"whole days drop the hours", -4 * day, "T-4d"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Offset(tc.d); got != tc.want {
				t.Errorf("Offset(%s) = %q, want %q", tc.d, got, tc.want)
			}
		})
	}
}

// TestTheDefaultScriptHoldsTogether checks what the workload relies on:
// known workloads, shares in (0, 1], episodes of one workload and trouble
// that do not overlap, and expectations in time order.
func TestTheDefaultScriptHoldsTogether(t *testing.T) {
	s := DefaultScript()
	known := map[string]bool{}
	for _, w := range workloads() {
		known[w.name] = true
	}
	for i, e := range s.Episodes {
		if !known[e.Workload] {
			t.Errorf("episode %d: unknown workload %q", i, e.Workload)
		}
		if !(e.Share > 0 && e.Share <= 1) || e.From >= e.To {
			t.Errorf("episode %d: share %v from %s to %s", i, e.Share, Offset(e.From), Offset(e.To))
		}
		for j, o := range s.Episodes[:i] {
			if o.Workload == e.Workload && o.Trouble == e.Trouble && o.From < e.To && e.From < o.To {
				t.Errorf("episodes %d and %d of %s (%s) overlap", j, i, e.Workload, e.Trouble)
			}
		}
	}
	if !slices.IsSortedFunc(s.Expect, func(a, b Expectation) int { return int(a.At - b.At) }) {
		t.Error("expectations are not in time order")
	}
	if s.End() != s.Expect[len(s.Expect)-1].At {
		t.Errorf("End %s is not the last expectation", Offset(s.End()))
	}
}

func TestTheScheduleIsPrintedWithClockTimes(t *testing.T) {
	var b strings.Builder
	DefaultScript().WriteSchedule(&b, time.Date(2026, 3, 16, 12, 0, 0, 0, time.UTC))
	want := `Script (T = 12:00:00):
  12:00:20  T+20s     checkout: 60% of POST /checkout take 2.5–4 s (payments Authorize waits on the card gateway)
  12:01:50  T+1m50s   expect: page checkout/requests-latency fires (1h and 5m burn above 14.4)
  12:01:50  T+1m50s   expect: ticket checkout/requests-latency fires (budget exhaustion: at the 1h burn the budget is spent within 2d)
  12:02:00  T+2m      order-consumer: a backlog makes 0.58% of messages slow (burn 5.8, under every page factor)
  12:03:00  T+3m      checkout recovers
  12:06:30  T+6m30s   expect: ticket order-consumer/messages-processed fires (3d and 6h burn above 1)
  12:07:30  T+7m30s   order-consumer: the fix is deployed; the leak stops too
  12:07:50  T+7m50s   expect: page checkout/requests-latency resolves (the 5m burn falls under 14.4)
  12:12:40  T+12m40s  expect: ticket order-consumer/messages-processed resolves (the 3d burn falls under 1)
History (backfilled, 30 days):
  15d17h ago  payments: 8% of card authorisations failed for 20 minutes
  8d21h ago   checkout: 30% of checkouts slow for 25 minutes
  4d13h ago   search: 20% of searches failed for 40 minutes after a bad index deploy
  4d ago      order-consumer: a slow leak starts, 0.0995% of messages slow (burn 0.995, just under the 3d ticket factor 1)
`
	if got := b.String(); got != want {
		t.Errorf("schedule:\n%s\nwant:\n%s", got, want)
	}
}
