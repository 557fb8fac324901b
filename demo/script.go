package demo

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
)

// Trouble is what goes wrong with a workload's requests in an episode.
type Trouble string

// The kinds of trouble.
const (
	// Slow requests take longer than the SLO's latency threshold.
	Slow Trouble = "slow"
	// Failing requests end with STATUS_CODE_ERROR.
	Failing Trouble = "failing"
)

// Episode is a stretch of the script during which a share of a workload's
// requests is slow or fails. Outside every episode a workload runs at its
// baseline; a workload's episodes of one kind of trouble do not overlap.
type Episode struct {
	// Workload names the span: checkout, payments, order-consumer, search.
	Workload string
	Trouble  Trouble
	// From and To are relative to the demo's start T; negative is history.
	From, To time.Duration
	// Share is the share of requests in trouble.
	Share float64
	// Story and Recovery say what happens at From and at To, for the
	// printed schedule; an episode without a story is not printed.
	Story, Recovery string
}

// Expectation is a notification the script should cause, and when.
type Expectation struct {
	// At is relative to T: the evaluation that should notify.
	At time.Duration
	// SLO is the SLO's id.
	SLO string
	// Kind is the alert's kind: a burn alert, or a budget alert.
	Kind     alerting.Kind
	Severity string
	Status   alerting.Status
	// Why says which rule fires or clears.
	Why string
}

// Script is the demo's story: history with a couple of past incidents, then
// live incidents that page, open a ticket and resolve, each expectation
// measured on simulated time (see the tests).
type Script struct {
	Episodes []Episode
	Expect   []Expectation
}

const day = 24 * time.Hour

// DefaultScript is the demo's script. With the SRE Workbook policy on a
// 99.9% SLO over 30 days, a page needs the 1h and 5m error ratios above
// 0.0144 (or 6h and 30m above 0.006) and a ticket the 1d and 2h ratios
// above 0.003 (or 3d and 6h above 0.001).
//
// The page: 60% of checkouts take 2.5–4 s from T+20s. The 1h ratio passes
// 0.0144 after 0.001 × 3600 s × 14.4 / 0.6 ≈ 86 s, so the evaluation at
// T+1m50s pages. The incident lasts 160 s, too short for the 6h rule
// (0.6 × 160 s / 6h = 0.0044 < 0.006), so the page resolves when the 5m
// window holds less than 7.2 s of the incident: at T+7m50s, five minutes
// after the recovery at T+3m.
//
// The ticket comes from the slow-leak rule (3d and 6h burn above 1). A
// 1d/2h ticket cannot resolve minutes after a recovery with the workbook
// policy: a 1d burn above 3 means a 3d burn above 1 and a 6h burn above 1,
// and the 3d/6h rule then holds for hours. So order-consumer leaks budget
// at a burn of 0.995 for four days, just under the 3d factor. From T+2m a
// backlog raises the burn to 5.8 (under both page factors); the 3d burn
// reaches 1 after 0.005 × 3 days / (5.8 − 0.995) ≈ 4.5 minutes: a ticket at
// T+6m30s. The fix lands at T+7m30s and stops the leak too; the 3d burn
// then falls by about 0.95 burn-minutes a minute and is under 1 again at
// T+12m40s.
//
// The exhaustion alert the demo adds to checkout latency (spent within 2d
// at the 1h burn; see budget.go) needs a 1h burn above 15 with the whole
// budget left, which the page's incident reaches with it: a ticket at
// T+1m50s beside the page, which stays open until the incident has left
// the 1h window.
//
// The expected times are the ones measured on simulated time, evaluating
// every 10 s (TestTheScriptNotifiesWhenItSays).
func DefaultScript() Script {
	return Script{
		Episodes: []Episode{
			// History: past incidents, so budgets and charts have a past.
			{Workload: checkout, Trouble: Slow, From: -9*day + 3*time.Hour, To: -9*day + 3*time.Hour + 25*time.Minute, Share: 0.3,
				Story: "checkout: 30% of checkouts slow for 25 minutes"},
			{Workload: payments, Trouble: Slow, From: -9*day + 3*time.Hour, To: -9*day + 3*time.Hour + 25*time.Minute, Share: 0.3},
			{Workload: payments, Trouble: Failing, From: -16*day + 7*time.Hour, To: -16*day + 7*time.Hour + 20*time.Minute, Share: 0.08,
				Story: "payments: 8% of card authorisations failed for 20 minutes"},
			{Workload: search, Trouble: Failing, From: -5*day + 11*time.Hour, To: -5*day + 11*time.Hour + 40*time.Minute, Share: 0.2,
				Story: "search: 20% of searches failed for 40 minutes after a bad index deploy"},
			{Workload: orderConsumer, Trouble: Slow, From: -4 * day, To: 2 * time.Minute, Share: 0.000995,
				Story: "order-consumer: a slow leak starts, 0.0995% of messages slow (burn 0.995, just under the 3d ticket factor 1)"},

			// Live.
			{Workload: checkout, Trouble: Slow, From: 20 * time.Second, To: 3 * time.Minute, Share: 0.6,
				Story:    "checkout: 60% of POST /checkout take 2.5–4 s (payments Authorize waits on the card gateway)",
				Recovery: "checkout recovers"},
			{Workload: payments, Trouble: Slow, From: 20 * time.Second, To: 3 * time.Minute, Share: 0.6},
			{Workload: orderConsumer, Trouble: Slow, From: 2 * time.Minute, To: 7*time.Minute + 30*time.Second, Share: 0.0058,
				Story:    "order-consumer: a backlog makes 0.58% of messages slow (burn 5.8, under every page factor)",
				Recovery: "order-consumer: the fix is deployed; the leak stops too"},
		},
		Expect: []Expectation{
			{At: 110 * time.Second, SLO: "checkout/requests-latency", Kind: alerting.KindBurn, Severity: "page", Status: alerting.Firing,
				Why: "1h and 5m burn above 14.4"},
			{At: 110 * time.Second, SLO: "checkout/requests-latency", Kind: alerting.KindExhaustion, Severity: "ticket", Status: alerting.Firing,
				Why: "budget exhaustion: at the 1h burn the budget is spent within 2d"},
			{At: 6*time.Minute + 30*time.Second, SLO: "order-consumer/messages-processed", Kind: alerting.KindBurn, Severity: "ticket", Status: alerting.Firing,
				Why: "3d and 6h burn above 1"},
			{At: 7*time.Minute + 50*time.Second, SLO: "checkout/requests-latency", Kind: alerting.KindBurn, Severity: "page", Status: alerting.Resolved,
				Why: "the 5m burn falls under 14.4"},
			{At: 12*time.Minute + 40*time.Second, SLO: "order-consumer/messages-processed", Kind: alerting.KindBurn, Severity: "ticket", Status: alerting.Resolved,
				Why: "the 3d burn falls under 1"},
		},
	}
}

// End is when the script's last expectation is due.
func (s Script) End() time.Duration {
	var end time.Duration
	for _, e := range s.Expect {
		end = max(end, e.At)
	}
	return end
}

// scheduleLine is one line of the live schedule: something the script
// does, or a notification it expects.
type scheduleLine struct {
	At     time.Duration
	Text   string
	Expect bool
}

// timeline returns the live part of the script in time order.
func (s Script) timeline() []scheduleLine {
	var lines []scheduleLine
	for _, e := range s.Episodes {
		if e.Story != "" && e.From >= 0 {
			lines = append(lines, scheduleLine{At: e.From, Text: e.Story})
		}
		if e.Recovery != "" && e.To >= 0 {
			lines = append(lines, scheduleLine{At: e.To, Text: e.Recovery})
		}
	}
	for _, e := range s.Expect {
		verb := "fires"
		if e.Status == alerting.Resolved {
			verb = "resolves"
		}
		lines = append(lines, scheduleLine{At: e.At, Expect: true, Text: fmt.Sprintf("%s %s %s (%s)", e.Severity, e.SLO, verb, e.Why)})
	}
	slices.SortStableFunc(lines, func(a, b scheduleLine) int { return int(a.At - b.At) })
	return lines
}

// history returns the past episodes worth telling, oldest first.
func (s Script) history() []Episode {
	var out []Episode
	for _, e := range s.Episodes {
		if e.Story != "" && e.From < 0 {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b Episode) int { return int(a.From - b.From) })
	return out
}

// WriteSchedule prints the live part of the script with clock times for a
// start at t0, then the history.
func (s Script) WriteSchedule(w io.Writer, t0 time.Time) {
	fmt.Fprintf(w, "Script (T = %s):\n", t0.Format("15:04:05"))
	for _, l := range s.timeline() {
		text := l.Text
		if l.Expect {
			text = "expect: " + text
		}
		fmt.Fprintf(w, "  %s  %-9s %s\n", t0.Add(l.At).Format("15:04:05"), Offset(l.At), text)
	}
	fmt.Fprintf(w, "History (backfilled, 30 days):\n")
	for _, e := range s.history() {
		fmt.Fprintf(w, "  %-11s %s\n", days(-e.From)+" ago", e.Story)
	}
}

// Offset formats a time relative to T: "T+1m50s", "T-8d21h".
func Offset(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Round(time.Second)
	if d >= day {
		return "T" + sign + days(d)
	}
	var b strings.Builder
	if h := d / time.Hour; h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if m := d % time.Hour / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	if s := d % time.Minute / time.Second; s > 0 || b.Len() == 0 {
		fmt.Fprintf(&b, "%ds", s)
	}
	return "T" + sign + b.String()
}

// days formats a long duration in days and hours: "4d", "8d21h".
func days(d time.Duration) string {
	n, hours := int(d/day), int(d%day/time.Hour)
	if hours == 0 {
		return fmt.Sprintf("%dd", n)
	}
	return fmt.Sprintf("%dd%dh", n, hours)
}
