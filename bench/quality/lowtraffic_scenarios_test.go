package quality_test

import "time"

// lowTrafficScenario is a scenario of the low-traffic set. Its ground truth
// is stated, not computed from the budget: on a handful of calls a minute,
// one or two stray failures spend a budget share that the main suite's
// rule (a long window's exact burn reaching the factor) calls worth a page,
// though a service burning at exactly the factor would fail about as many.
// A page is deserved when the failures are more than sampling explains;
// a ticket, the next day, whenever a day's budget share is spent.
type lowTrafficScenario struct {
	scenario
	page, ticket bool
}

// perMinute is n calls a minute, in calls a second.
func perMinute(n float64) float64 { return n / 60 }

// failingAt is calls a second, with one more call at each of the given
// seconds from T0, failing.
func failingAt(rate float64, seconds ...time.Duration) func(int) (float64, float64) {
	return func(s int) (float64, float64) {
		for _, f := range seconds {
			if s == int(f/sec) {
				return rate + 1, 1
			}
		}
		return rate, 0
	}
}

// dayOf is the second of the day of s, T0 being midnight's place.
func dayOf(s int) int {
	d := int(day / sec)
	return ((s % d) + d) % d
}

func lowTrafficScenarios() []lowTrafficScenario {
	return []lowTrafficScenario{
		{scenario: scenario{
			name: "A call a minute with one failure does not page.", service: "lt-1pm-one-failure",
			traffic: failingAt(perMinute(1), 10*mins), start: 10 * mins, end: 10*mins + sec,
			note: "one failure in the hour's 61 calls is burn 16.4, over 14.4; at 14.4 the hour would hold 0.88 failures, so one is what sampling gives (2.3% of a month's budget of 43 failures)",
		}},
		{scenario: scenario{
			name: "10 calls a minute with a blip of 3 failures does not page.", service: "lt-10pm-blip",
			traffic: failingAt(perMinute(10), 10*mins, 10*mins+sec, 10*mins+2*sec), start: 10 * mins, end: 10*mins + 3*sec,
			note: "3 failures in the hour's 603 calls is burn 5: neither detector pages",
		}},
		{scenario: scenario{
			name: "A nightly batch of 60 calls in 5 minutes with one failure tickets and does not page.", service: "lt-nightly-batch",
			traffic: func(s int) (float64, float64) {
				if dayOf(s) >= int(5*mins/sec) {
					return 0, 0 // idle outside the batch, every day
				}
				return failingAt(perMinute(12), 2*mins)(s)
			},
			start: 2 * mins, end: 2*mins + sec,
			note: "one failure in the night's 61 calls is burn 16.4 over the hour and the day: worth a ticket (it is 55% of a month's budget of 1.8 failures), and over the whole batch sampling at the page factor explains one failure (0.88 expected); but it comes 2 minutes in, when the hour holds 25 calls and 0.36 failures are expected, and burnwatch pages too",
		}, ticket: true},
		{scenario: scenario{
			name: "A call-a-minute service down for 30 minutes pages and tickets.", service: "lt-1pm-outage",
			traffic: func(s int) (float64, float64) {
				if s >= 0 && s < int(30*mins/sec) {
					return perMinute(1), perMinute(1)
				}
				return perMinute(1), 0
			},
			end: 30 * mins, ratio: 1,
		}, page: true, ticket: true},
	}
}
