package slo

import (
	"slices"
	"time"
)

// A correction is a span of time whose events an SLO does not count: a
// maintenance window, an incident that was someone else's fault, a load
// test. Events inside a correction count neither toward the error budget
// nor toward burn rates, and an alert never fires from them. A correction
// is one-off (From, To) or recurring (a weekly schedule in a time zone).

// Correction is one correction that applies to an SLO.
type Correction struct {
	// Reason says why the events do not count; charts and reports show it.
	Reason string
	// From and To bound a one-off correction: [From, To).
	From, To time.Time
	// Recurring is set for a recurring correction, instead of From and To.
	Recurring *Recurrence
	// Source is where the correction was declared.
	Source Source
}

// Recurrence is a correction's weekly schedule: it starts at Start (time of
// day, in Location) on each of Days and lasts Duration.
type Recurrence struct {
	// Days are the weekdays it starts on; empty means every day.
	Days []time.Weekday
	// Start is the time of day it starts at, since midnight.
	Start time.Duration
	// Duration is how long each occurrence lasts.
	Duration time.Duration
	// Location is the time zone of Start and Days.
	Location *time.Location
}

// Interval is one span of corrected time, with the reason it is corrected.
type Interval struct {
	From, To time.Time
	Reason   string
}

// Length is how long the interval lasts.
func (iv Interval) Length() time.Duration { return iv.To.Sub(iv.From) }

// Within returns the occurrences of the correction that overlap [from, to),
// cut to it, oldest first.
func (c *Correction) Within(from, to time.Time) []Interval {
	if c.Recurring == nil {
		return clip(Interval{From: c.From, To: c.To, Reason: c.Reason}, from, to)
	}
	r := c.Recurring
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	// An occurrence that starts before from may still reach into it.
	first := from.Add(-r.Duration).In(loc)
	day := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
	var out []Interval
	for ; day.Before(to); day = day.AddDate(0, 0, 1) {
		if len(r.Days) > 0 && !slices.Contains(r.Days, day.Weekday()) {
			continue
		}
		// The wall-clock time of day, whatever summer time does to it.
		start := time.Date(day.Year(), day.Month(), day.Day(), int(r.Start/time.Hour), int(r.Start%time.Hour/time.Minute), 0, 0, loc)
		out = append(out, clip(Interval{From: start, To: start.Add(r.Duration), Reason: c.Reason}, from, to)...)
	}
	return out
}

// clip cuts iv to [from, to); nothing when they do not overlap.
func clip(iv Interval, from, to time.Time) []Interval {
	if iv.From.Before(from) {
		iv.From = from
	}
	if iv.To.After(to) {
		iv.To = to
	}
	if !iv.From.Before(iv.To) {
		return nil
	}
	return []Interval{iv}
}

// Corrections are the corrections that apply to one SLO.
type Corrections []Correction

// Within returns the corrected spans inside [from, to), oldest first;
// spans that touch or overlap are merged, their reasons joined.
func (cs Corrections) Within(from, to time.Time) []Interval {
	var all []Interval
	for i := range cs {
		all = append(all, cs[i].Within(from, to)...)
	}
	slices.SortFunc(all, func(a, b Interval) int { return a.From.Compare(b.From) })
	var out []Interval
	for _, iv := range all {
		if n := len(out); n > 0 && !iv.From.After(out[n-1].To) {
			last := &out[n-1]
			if iv.To.After(last.To) {
				last.To = iv.To
			}
			if iv.Reason != last.Reason {
				last.Reason += "; " + iv.Reason
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

// Covered is how much of [from, to) the corrections cover.
func (cs Corrections) Covered(from, to time.Time) time.Duration {
	var d time.Duration
	for _, iv := range cs.Within(from, to) {
		d += iv.Length()
	}
	return d
}
