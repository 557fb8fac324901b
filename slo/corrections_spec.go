package slo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Corrections as a native spec writes them, at the top of a file (for the
// file's SLOs that `match` selects) or inside one SLO:
//
//	corrections:
//	  - reason: card network outage, not ours (INC-2211)
//	    from: 2026-11-20T10:00:00Z
//	    to: 2026-11-20T11:30:00Z
//	  - reason: weekly database maintenance
//	    recurring: {days: [sun], start: "02:00", duration: 2h, time_zone: Europe/Berlin}
//	    match: {services: [checkout], labels: {tier: web}}

type correctionSpec struct {
	Reason    string          `yaml:"reason"`
	From      string          `yaml:"from"`
	To        string          `yaml:"to"`
	Recurring *recurrenceSpec `yaml:"recurring"`
	// Match narrows a file-level correction to some of the file's SLOs.
	Match *correctionMatchSpec `yaml:"match"`
}

type recurrenceSpec struct {
	Days     []string `yaml:"days"`
	Start    string   `yaml:"start"`
	Duration string   `yaml:"duration"`
	TimeZone string   `yaml:"time_zone"`
}

type correctionMatchSpec struct {
	Services []string          `yaml:"services"`
	Labels   map[string]string `yaml:"labels"`
}

// scopedCorrection is a valid correction and the SLOs it selects.
type scopedCorrection struct {
	Correction
	node  *yaml.Node
	match *correctionMatchSpec
}

// selects says whether a file-level correction applies to s.
func (c *scopedCorrection) selects(s *SLO) bool {
	if c.match == nil {
		return true
	}
	if len(c.match.Services) > 0 && !slices.Contains(c.match.Services, s.Service) {
		return false
	}
	for k, v := range c.match.Labels {
		if s.Labels[k] != v {
			return false
		}
	}
	return true
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// corrections validates a list of corrections; fileLevel allows match.
// Invalid ones are reported and left out.
func (fc fileContext) corrections(specs []correctionSpec, fileLevel bool) []scopedCorrection {
	var out []scopedCorrection
	for i := range specs {
		if c, ok := fc.correction(&specs[i], fileLevel); ok {
			out = append(out, c)
		}
	}
	return out
}

func (fc fileContext) correction(cs *correctionSpec, fileLevel bool) (scopedCorrection, bool) {
	rep, dec := fc.rep, fc.dec
	n := dec.node(cs)
	out := scopedCorrection{node: n, match: cs.Match,
		Correction: Correction{Reason: cs.Reason, Source: Source{Path: rep.path, Line: n.Line, Column: n.Column, Format: NativeVersion}}}
	before := len(rep.diags)
	if strings.TrimSpace(cs.Reason) == "" {
		rep.at(n, "correction needs a reason")
	}
	if cs.Match != nil && !fileLevel {
		rep.at(dec.node(&cs.Match), "match only applies to a correction at the top of a file; this one is inside its SLO")
	}
	if cs.Match != nil {
		checkLabels(rep, dec.node(&cs.Match.Labels), cs.Match.Labels)
	}
	oneOff := cs.From != "" || cs.To != ""
	switch {
	case oneOff && cs.Recurring != nil:
		rep.at(dec.node(&cs.Recurring), "set from and to, or recurring, not both")
	case cs.Recurring != nil:
		out.Recurring = fc.recurrence(cs.Recurring)
	case cs.From == "" || cs.To == "":
		rep.at(n, "correction needs from and to (a one-off) or recurring (a schedule)")
	default:
		out.From = fc.instant(&cs.From, "from")
		out.To = fc.instant(&cs.To, "to")
		if !out.From.IsZero() && !out.To.IsZero() && !out.To.After(out.From) {
			rep.at(dec.node(&cs.To), "correction is inverted: to %s is not after from %s",
				out.To.Format(time.RFC3339), out.From.Format(time.RFC3339))
		}
	}
	return out, len(rep.diags) == before
}

// instant parses an RFC 3339 time of a one-off correction.
func (fc fileContext) instant(s *string, field string) time.Time {
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		fc.rep.at(fc.dec.node(s), "%s %q is not an RFC 3339 time like 2026-11-20T10:00:00Z", field, *s)
		return time.Time{}
	}
	return t
}

func (fc fileContext) recurrence(rs *recurrenceSpec) *Recurrence {
	rep, dec := fc.rep, fc.dec
	n := dec.node(rs)
	out := &Recurrence{Location: time.UTC}
	ok := true
	for i, d := range rs.Days {
		wd, known := weekdays[strings.ToLower(d)]
		switch {
		case !known:
			rep.at(dec.node(&rs.Days[i]), "day %q is not one of mon, tue, wed, thu, fri, sat, sun", d)
			ok = false
		case slices.Contains(out.Days, wd):
			rep.at(dec.node(&rs.Days[i]), "day %q is listed twice", d)
			ok = false
		default:
			out.Days = append(out.Days, wd)
		}
	}
	slices.Sort(out.Days)
	clock, err := time.Parse("15:04", rs.Start)
	if err != nil {
		rep.at(orParent(dec.node(&rs.Start), n), "start %q is not a time of day like 02:00", rs.Start)
		ok = false
	}
	out.Start = time.Duration(clock.Hour())*time.Hour + time.Duration(clock.Minute())*time.Minute
	if out.Duration, err = parseDuration(rs.Duration); err != nil || out.Duration <= 0 {
		rep.at(orParent(dec.node(&rs.Duration), n), "duration %q is not a positive duration like 2h", rs.Duration)
		ok = false
	} else if gap := shortestGap(out.Days); out.Duration > gap {
		rep.at(dec.node(&rs.Duration), "duration %s is longer than the %s between two occurrences: they would overlap",
			fmtDuration(out.Duration), fmtDuration(gap))
		ok = false
	}
	if rs.TimeZone != "" {
		loc, err := time.LoadLocation(rs.TimeZone)
		if err != nil {
			rep.at(dec.node(&rs.TimeZone), "unknown time zone %q", rs.TimeZone)
			ok = false
		} else {
			out.Location = loc
		}
	}
	if !ok {
		return nil
	}
	return out
}

// shortestGap is the shortest time between two starts of a weekly schedule
// on days (every day when empty).
func shortestGap(days []time.Weekday) time.Duration {
	day := 24 * time.Hour
	if len(days) == 0 {
		return day
	}
	gap := 7 * day
	for i, d := range days {
		next := days[(i+1)%len(days)]
		g := time.Duration((int(next)-int(d)+7)%7) * day
		if g == 0 {
			g = 7 * day
		}
		gap = min(gap, g)
	}
	return gap
}

// overlapFrom and overlapSpan are where recurring corrections are expanded
// to find overlaps: two weeks from a fixed Monday, which hold every weekly
// schedule's pattern at least once whatever the time zones.
var overlapFrom = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

const overlapSpan = 14 * 24 * time.Hour

// checkOverlaps reports each pair of corrections of one SLO that overlap,
// at the later one; reported holds the pairs already reported, so that a
// file-level pair shared by several SLOs is reported once.
func checkOverlaps(rep *reporter, cs []*scopedCorrection, reported map[[2]*yaml.Node]bool) bool {
	ok := true
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			a, b := cs[i], cs[j]
			if b.node.Line < a.node.Line {
				a, b = b, a
			}
			if !overlap(&a.Correction, &b.Correction) {
				continue
			}
			ok = false
			pair := [2]*yaml.Node{a.node, b.node}
			if reported[pair] {
				continue
			}
			reported[pair] = true
			rep.at(b.node, "correction %q overlaps correction %q at %s:%d:%d", b.Reason, a.Reason, a.Source.Path, a.Source.Line, a.Source.Column)
		}
	}
	return ok
}

// overlap says whether two corrections share any instant.
func overlap(a, b *Correction) bool {
	from, to := overlapFrom, overlapFrom.Add(overlapSpan)
	switch {
	case a.Recurring == nil && b.Recurring == nil:
		return a.From.Before(b.To) && b.From.Before(a.To)
	case a.Recurring == nil:
		from, to = a.From, a.To
	case b.Recurring == nil:
		from, to = b.From, b.To
	}
	for _, x := range a.Within(from, to) {
		for _, y := range b.Within(from, to) {
			if x.From.Before(y.To) && y.From.Before(x.To) {
				return true
			}
		}
	}
	return false
}

// fileCorrections are a document's top-level corrections, and the overlaps
// already reported among the corrections of its SLOs.
type fileCorrections struct {
	list     []scopedCorrection
	reported map[[2]*yaml.Node]bool
}

// apply validates an SLO's own corrections and sets out.Corrections to them
// and the file-level ones that select the SLO; overlaps are reported.
func (fc fileContext) applyCorrections(file *fileCorrections, own []correctionSpec, out *SLO) {
	var all []*scopedCorrection
	for i := range file.list {
		if file.list[i].selects(out) {
			all = append(all, &file.list[i])
		}
	}
	mine := fc.corrections(own, false)
	for i := range mine {
		all = append(all, &mine[i])
	}
	checkOverlaps(fc.rep, all, file.reported)
	for _, c := range all {
		out.Corrections = append(out.Corrections, c.Correction)
	}
}

// String renders a correction as a person reads it: its span or schedule.
func (c *Correction) String() string {
	if c.Recurring == nil {
		return fmt.Sprintf("%s – %s", c.From.UTC().Format(time.RFC3339), c.To.UTC().Format(time.RFC3339))
	}
	return c.Recurring.String()
}

// String renders a schedule: "sun 02:00 for 2h (Europe/Berlin)".
func (r *Recurrence) String() string {
	days := "every day"
	if len(r.Days) > 0 {
		names := make([]string, len(r.Days))
		for i, d := range r.Days {
			names[i] = strings.ToLower(d.String()[:3])
		}
		days = strings.Join(names, ",")
	}
	h, m := int(r.Start/time.Hour), int(r.Start%time.Hour/time.Minute)
	return fmt.Sprintf("%s %02d:%02d for %s (%s)", days, h, m, fmtDuration(r.Duration), r.Location)
}
