package burnrate

import (
	"fmt"
	"time"
)

// lookback is how far back an instant selector finds a series' last sample
// (Prometheus' default lookback delta).
const lookback = 5 * time.Minute

// diffQuery returns the PromQL for a counter source's increase over the
// interval [t − offset − length, t − offset], evaluated at t. It is the
// difference of the counter's last values at the interval's two ends, so
// that adjacent intervals add up to the exact increase between their outer
// ends; increase() would extrapolate every interval from its own samples and
// be off by part of a scrape interval wherever the rate changes.
//
// A last value is the last sample up to the interval's length and a
// lookback before the end, not only a lookback (an instant selector's):
// a series sampled further apart than the lookback (a slow scrape, missed
// scrapes, a backfill written every ten minutes) has no sample within a
// lookback of some interval ends, and every 5m tile over samples ten
// minutes apart would otherwise answer nothing, its increase lost where
// increase() over the whole window counts it. A series sampled more often
// than the lookback has the same last values either way.
//
// A series that reset falls back to increase(). The reset check reaches a
// lookback further back than the interval: the value at the interval's start
// is the last sample before it, up to a lookback earlier for a series
// sampled that often, and a reset between that sample and the interval's
// first one must be seen too. For a sparser series the start's sample may
// be older; a reset after it that leaves the difference negative falls back
// as well. A new series has no value at the start and falls back too.
func (src *source) diffQuery(length, offset time.Duration) string {
	w := FormatWindow(length)
	off := ""
	if offset > 0 {
		off = " offset " + FormatWindow(offset)
	}
	sel := src.selector
	inner := fmt.Sprintf("(((last_over_time(%[1]s[%[5]s]%[3]s) - last_over_time(%[1]s[%[5]s] offset %[4]s)) >= 0) and (resets(%[1]s[%[5]s]%[3]s) == 0))"+
		" or increase(%[1]s[%[2]s]%[3]s)",
		sel, w, off, FormatWindow(offset+length), FormatWindow(length+lookback))
	if len(src.by) == 0 {
		return fmt.Sprintf("sum(%s)", inner)
	}
	return fmt.Sprintf("sum by (%s) (%s)", src.grouping(), inner)
}

// stepDiffQuery returns the PromQL for a counter source's difference over
// the step before each instant, summed by key, for series present at both
// ends: what diffQuery's exact branch adds up over adjacent steps.
func (src *source) stepDiffQuery(step time.Duration) string {
	inner := fmt.Sprintf("%[1]s - %[1]s offset %[2]s", src.selector, FormatWindow(step))
	if len(src.by) == 0 {
		return fmt.Sprintf("sum(%s)", inner)
	}
	return fmt.Sprintf("sum by (%s) (%s)", src.grouping(), inner)
}

// unsteadyQuery returns the PromQL that counts, at each instant, the series
// of a counter source that appeared or vanished over the step before it,
// or that reset within three steps and a lookback before it: where adding
// up stepDiffQuery may differ from diffQuery. Three steps, so that two
// consecutive samples less than a lookback and two steps apart are seen
// together; samples further apart leave the series absent at some instant
// between them.
func (src *source) unsteadyQuery(step time.Duration) string {
	return fmt.Sprintf("count((%[1]s unless %[1]s offset %[2]s) or (%[1]s offset %[2]s unless %[1]s) or (resets(%[1]s[%[3]s]) > 0))",
		src.selector, FormatWindow(step), FormatWindow(3*step+lookback))
}
