package quality_test

import (
	"time"

	"github.com/burnwatch/burnwatch/bench/internal/spanmetrics"
)

// The timeline every scenario shares: clean traffic for warmup (so that
// every window, up to three days, has a past), then the incident at T0
// (a whole hour). Scrapes come every 30 seconds, 7 seconds after the half
// minute, as a scrape's hashed offset would put them, and evaluations 15
// seconds after each scrape, until all alerts could have reset (the
// longest short window, 6 hours, after the incident ends).
const (
	warmup       = 3*24*time.Hour + 6*time.Hour
	scrape       = 30 * time.Second
	scrapeOffset = 7 * time.Second
	evalStep     = 30 * time.Second
	evalLag      = 15 * time.Second
	// settle is how long after an incident ends each scenario is watched.
	settle = 7 * time.Hour
	// calls is the traffic of every scenario but the low-traffic one.
	calls     = 20.0
	objective = 0.999
)

// scenario is one synthetic incident, in its own service.
type scenario struct {
	// name says what happens, as a sentence.
	name    string
	service string
	// latency makes the SLI "at or under 2 s" on the duration histogram;
	// otherwise it is "does not fail" on the calls counter.
	latency bool
	// traffic is the calls and bad calls of each second, counted from T0
	// (negative during the warmup).
	traffic func(s int) (calls, bad float64)
	// start and end bound the incident, from T0.
	start, end time.Duration
	// ratio is the incident's constant error ratio, for the detection
	// floor; 0 when it is not constant.
	ratio float64
	// resets and gaps shape the scrapes, from T0 (see spanmetrics.Shape).
	resets []time.Duration
	gaps   []spanmetrics.Gap
	// newService has no calls, and no series, before T0.
	newService bool
	// note explains the ground truth where it is not obvious.
	note string
}

// horizon is how long after T0 the scenario is watched.
func (s scenario) horizon() time.Duration { return s.end + settle }

const (
	sec  = time.Second
	mins = time.Minute
	hour = time.Hour
	day  = 24 * time.Hour
)

// between is share during [from, to) from T0, and clean traffic otherwise.
func between(from, to time.Duration, share float64) func(int) (float64, float64) {
	lo, hi := int(from/sec), int(to/sec)
	return func(s int) (float64, float64) {
		if s >= lo && s < hi {
			return calls, calls * share
		}
		return calls, 0
	}
}

func scenarios() []scenario {
	return []scenario{
		{
			name: "A total outage for 30 minutes pages and tickets.", service: "outage-30m",
			traffic: between(0, 30*mins, 1), end: 30 * mins, ratio: 1,
		},
		{
			name: "50% errors for 10 minutes page and ticket.", service: "errors-50pct-10m",
			traffic: between(0, 10*mins, 0.5), end: 10 * mins, ratio: 0.5,
			note: "10 minutes at burn 500 is 11.6% of the budget: 3.5 over a day",
		},
		{
			name: "20% of requests above 2 s for 30 minutes page and ticket.", service: "slow-20pct-30m", latency: true,
			traffic: between(0, 30*mins, 0.2), end: 30 * mins, ratio: 0.2,
		},
		{
			name: "2× burn for a day alerts nothing.", service: "burn-2x-1d",
			traffic: between(0, day, 0.002), end: day, ratio: 0.002,
			note: "6.7% of the budget, under every rule's share (burn 2 < 3 over the day)",
		},
		{
			name: "A 1.1× leak for a week tickets and does not page.", service: "leak-1.1x-7d",
			traffic: between(0, 7*day, 0.0011), end: 7 * day, ratio: 0.0011,
			note: "burn 1.1 over three days: 11% of the budget in 3 days",
		},
		{
			name: "Flapping, 20% errors 5 minutes on and 5 off for 3 hours, pages and tickets.", service: "flapping-5m",
			traffic: func(s int) (float64, float64) {
				if s >= 0 && s < int(3*hour/sec) && (s/300)%2 == 0 {
					return calls, calls * 0.2
				}
				return calls, 0
			},
			end: 3 * hour,
		},
		{
			name: "10 requests an hour with one failure page and ticket.", service: "low-traffic",
			traffic: func(s int) (float64, float64) {
				if s == int(10*mins/sec) {
					return 1 + 10.0/3600, 1
				}
				return 10.0 / 3600, 0
			},
			start: 10 * mins, end: 10*mins + sec,
			note: "one failure in ten an hour is burn 90 over the hour: 14% of a budget of 7 failures a month",
		},
		{
			name: "A 20-minute outage that recovers mid-window pages, and the page resets once the 30-minute short window is clean.", service: "recovery-mid-window",
			traffic: between(0, 20*mins, 1), end: 20 * mins, ratio: 1,
			note: "the 1h/5m rule resets 5 minutes after recovery, the 6h/30m rule (burn 667 over 30 minutes) 30 minutes after",
		},
		{
			name: "50% errors for 20 minutes with a counter reset 10 minutes in page and ticket.", service: "counter-reset",
			traffic: between(0, 20*mins, 0.5), end: 20 * mins, ratio: 0.5,
			resets: []time.Duration{10*mins + 13*sec},
			note:   "the restart falls between two scrapes, away from a 5-minute boundary",
		},
		{
			name: "A restart 30 minutes before 50% errors for 10 minutes, in the scrape interval around a 5-minute boundary, pages and tickets.", service: "restart-at-tile-boundary",
			traffic: between(0, 10*mins, 0.5), end: 10 * mins, ratio: 0.5,
			resets: []time.Duration{-30*mins - 5*sec},
			note:   "the restart at T0 − 30m5s falls between the scrapes at T0 − 30m23s and T0 − 29m53s, around the boundary T0 − 30m (a 5-minute tile's start); with 30-second scrapes one restart in ten does",
		},
		{
			name: "30% errors for 20 minutes with 4 minutes of failed scrapes page and ticket.", service: "scrape-gaps-incident",
			traffic: between(0, 20*mins, 0.3), end: 20 * mins, ratio: 0.3,
			gaps: []spanmetrics.Gap{{From: 8 * mins, To: 12 * mins}},
		},
		{
			name: "A 45-second total outage does not page.", service: "spike-45s",
			traffic: between(0, 45*sec, 1), end: 45 * sec, ratio: 1,
			note: "1.7% of the budget, under the 1h rule's 2%",
		},
		{
			name: "13× burn for an hour does not page.", service: "burn-13x-1h",
			traffic: between(0, hour, 0.013), end: hour, ratio: 0.013,
			note: "1.8% of the budget in the hour, just under the 1h rule's 2%",
		},
		{
			name: "16× burn for an hour pages.", service: "burn-16x-1h",
			traffic: between(0, hour, 0.016), end: hour, ratio: 0.016,
			note: "2.2% of the budget in the hour, just over the 1h rule's 2%",
		},
		{
			name: "5% of requests above 2 s for 6 hours page and ticket.", service: "slow-5pct-6h", latency: true,
			traffic: between(0, 6*hour, 0.05), end: 6 * hour, ratio: 0.05,
		},
		{
			name: "Clean traffic with two 10-minute scrape gaps alerts nothing.", service: "scrape-gaps-clean",
			traffic: func(int) (float64, float64) { return calls, calls * 0.0005 },
			end:     70 * mins,
			gaps:    []spanmetrics.Gap{{From: 0, To: 10 * mins}, {From: hour, To: 70 * mins}},
			note:    "burn 0.5 throughout",
		},
		{
			name: "A new service whose first 30 minutes fail 10% pages and tickets.", service: "new-service",
			traffic: between(0, 30*mins, 0.1), end: 30 * mins, newService: true,
			note: "no history before T0: every window holds only the service's short life, so both detect sooner than a floor computed for full windows would allow, and no floor is given",
		},
	}
}
