package spanmetrics

import (
	"math"
	"time"
)

// Profile says how many calls arrive in the second [s, s+1) of the history,
// counted in seconds from its start, and how many of them are bad (failed, or slower than the
// latency threshold). Fractions are fine: events are counted as whole
// numbers when a scrape reads the counters.
type Profile func(s int) (calls, bad float64)

// Steady is constant traffic with a constant share of bad calls.
func Steady(callsPerSecond, badShare float64) Profile {
	return func(int) (float64, float64) { return callsPerSecond, callsPerSecond * badShare }
}

// With replaces the bad share of base between two offsets (from inclusive,
// to exclusive).
func With(base Profile, from, to time.Duration, badShare float64) Profile {
	lo, hi := int(from/time.Second), int(to/time.Second)
	return func(s int) (float64, float64) {
		calls, bad := base(s)
		if s >= lo && s < hi {
			return calls, calls * badShare
		}
		return calls, bad
	}
}

// Flapping is base with the bad share set to badShare for `on`, then left
// alone for `off`, again and again between from and to.
func Flapping(base Profile, from, to, on, off time.Duration, badShare float64) Profile {
	lo, hi := int(from/time.Second), int(to/time.Second)
	period, onS := int((on+off)/time.Second), int(on/time.Second)
	return func(s int) (float64, float64) {
		calls, bad := base(s)
		if s >= lo && s < hi && (s-lo)%period < onS {
			return calls, calls * badShare
		}
		return calls, bad
	}
}

// Silent is base with no calls at all before `from`: a service that starts
// then.
func Silent(base Profile, from time.Duration) Profile {
	lo := int(from / time.Second)
	return func(s int) (float64, float64) {
		if s < lo {
			return 0, 0
		}
		return base(s)
	}
}

// Gap is a time range, as offsets from the history's start, in which no
// scrape succeeds.
type Gap struct {
	From, To time.Duration
}

// Shape is how a history is sampled.
type Shape struct {
	// Start is the time of the first scrape; Length is how long the history
	// runs after it.
	Start  time.Time
	Length time.Duration
	// Scrape is the scrape interval.
	Scrape time.Duration
	// Resets are offsets at which the process restarts: its counters start
	// again from zero, and the calls counted since the last scrape are lost
	// to the counters (not to the ground truth).
	Resets []time.Duration
	// Gaps are ranges without scrapes.
	Gaps []Gap
	// From is the offset of the first scrape that returns the series: a
	// service that starts later has no samples before it.
	From time.Duration
}

// steps is the number of scrape instants in the history.
func (sh Shape) steps() int { return int(sh.Length/sh.Scrape) + 1 }

// Counts are the exact events between consecutive scrape instants: index i
// holds those in (Start + (i−1)·Scrape, Start + i·Scrape]. They are the
// ground truth that detectors are judged against.
type Counts struct {
	Start time.Time
	Step  time.Duration
	// Calls and Bad are whole numbers of events.
	Calls, Bad []float64
	// prefix sums, one longer than Calls.
	callsSum, badSum []float64
}

// Window returns the events in (at − w, at], at and w rounded down to the
// step; ok is false when the window reaches before the history.
func (c *Counts) Window(at time.Time, w time.Duration) (calls, bad float64, ok bool) {
	hi := int(at.Sub(c.Start) / c.Step)
	lo := hi - int(w/c.Step)
	if lo < 0 || hi >= len(c.Calls) {
		return 0, 0, false
	}
	return c.callsSum[hi+1] - c.callsSum[lo+1], c.badSum[hi+1] - c.badSum[lo+1], true
}

// BurnRate is the exact burn rate over (at − w, at] for an error budget;
// NaN without calls.
func (c *Counts) BurnRate(at time.Time, w time.Duration, errorBudget float64) float64 {
	calls, bad, ok := c.Window(at, w)
	if !ok || calls == 0 {
		return math.NaN()
	}
	return bad / calls / errorBudget
}

// sampled is a history sampled at every scrape instant: what the good and
// bad calls counters show (whole numbers, from zero again after a restart),
// and whether the scrape returned anything.
type sampled struct {
	shape     Shape
	good, bad []float64
	scraped   []bool
	counts    *Counts
}

// sample integrates a profile second by second and samples it.
func sample(p Profile, sh Shape) *sampled {
	n := sh.steps()
	out := &sampled{shape: sh, good: make([]float64, n), bad: make([]float64, n), scraped: make([]bool, n)}
	c := &Counts{Start: sh.Start, Step: sh.Scrape, Calls: make([]float64, n), Bad: make([]float64, n)}
	resets := map[int]bool{}
	for _, r := range sh.Resets {
		resets[int(r/time.Second)] = true
	}
	stepS := int(sh.Scrape / time.Second)
	var goodReal, badReal, goodBase, badBase, prevGood, prevBad float64
	for i := range n {
		if i > 0 {
			for s := (i - 1) * stepS; s < i*stepS; s++ {
				if resets[s] {
					goodBase, badBase = math.Floor(goodReal), math.Floor(badReal)
				}
				calls, bad := p(s)
				goodReal += calls - bad
				badReal += bad
			}
		}
		good, bad := math.Floor(goodReal), math.Floor(badReal)
		out.good[i], out.bad[i] = good-goodBase, bad-badBase
		if i > 0 {
			c.Bad[i] = bad - prevBad
			c.Calls[i] = c.Bad[i] + good - prevGood
		}
		prevGood, prevBad = good, bad
		off := time.Duration(i) * sh.Scrape
		out.scraped[i] = off >= sh.From && !inGap(sh.Gaps, off)
	}
	c.callsSum = prefix(c.Calls)
	c.badSum = prefix(c.Bad)
	out.counts = c
	return out
}

func inGap(gaps []Gap, off time.Duration) bool {
	for _, g := range gaps {
		if off >= g.From && off < g.To {
			return true
		}
	}
	return false
}

func prefix(xs []float64) []float64 {
	out := make([]float64, len(xs)+1)
	for i, x := range xs {
		out[i+1] = out[i] + x
	}
	return out
}
