package backtest

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// Change is what happened to an SLO between two spec trees.
type Change string

// The changes Diff reports.
const (
	Added   Change = "added"
	Removed Change = "removed"
	Changed Change = "changed"
)

// DiffReport compares the alerts of two spec trees over one range of
// history.
type DiffReport struct {
	// Old and New are the replays of the SLOs that differ: removed and
	// changed ones as they were, added and changed ones as they are.
	Old, New *Report
	// SLOs are the SLOs added, removed or changed, by id.
	SLOs []SLODiff
}

// SLODiff is one SLO that differs between the trees.
type SLODiff struct {
	ID     string
	Change Change
	// Fields name what changed in a changed SLO: objective, period, sli,
	// alerting, corrections, and "metadata" for what no alert depends on.
	Fields []string
	// Appear are the alerts only the new policy raises, Disappear those
	// only the old one raised, Moved the ones both raise at the same tier
	// over overlapping times, but not the same ones.
	Appear, Disappear []Alert
	Moved             []AlertMove
}

// AlertMove is an alert both policies raise, over different times.
type AlertMove struct {
	Old, New Alert
}

// AlertsChanged says whether any alert appears, disappears or moves.
func (d *DiffReport) AlertsChanged() bool {
	for _, s := range d.SLOs {
		if len(s.Appear)+len(s.Disappear)+len(s.Moved) > 0 {
			return true
		}
	}
	return false
}

// Diff replays the SLOs that differ between oldSLOs and newSLOs over the
// range of opts (whose SLOs it ignores) and compares their alerts.
func Diff(ctx context.Context, oldSLOs, newSLOs []*slo.SLO, opts Options) (*DiffReport, error) {
	oldByID, newByID := byID(oldSLOs), byID(newSLOs)
	var diffs []SLODiff
	var before, after []*slo.SLO
	for _, s := range oldSLOs {
		n, ok := newByID[s.ID]
		switch {
		case !ok:
			diffs = append(diffs, SLODiff{ID: s.ID, Change: Removed})
			before = append(before, s)
		default:
			if fields := changedFields(s, n); len(fields) > 0 {
				diffs = append(diffs, SLODiff{ID: s.ID, Change: Changed, Fields: fields})
				before, after = append(before, s), append(after, n)
			}
		}
	}
	for _, s := range newSLOs {
		if _, ok := oldByID[s.ID]; !ok {
			diffs = append(diffs, SLODiff{ID: s.ID, Change: Added})
			after = append(after, s)
		}
	}
	slices.SortFunc(diffs, func(a, b SLODiff) int { return strings.Compare(a.ID, b.ID) })
	rep := &DiffReport{SLOs: diffs}
	var err error
	if rep.Old, err = replay(ctx, opts, before); err != nil {
		return nil, err
	}
	if rep.New, err = replay(ctx, opts, after); err != nil {
		return nil, err
	}
	oldAlerts, newAlerts := alertsByID(rep.Old), alertsByID(rep.New)
	for i := range rep.SLOs {
		d := &rep.SLOs[i]
		d.Appear, d.Disappear, d.Moved = compareAlerts(oldAlerts[d.ID], newAlerts[d.ID])
	}
	return rep, nil
}

// replay runs slos over the range of opts; no SLOs replay to nothing.
func replay(ctx context.Context, opts Options, slos []*slo.SLO) (*Report, error) {
	if len(slos) == 0 {
		return &Report{From: opts.From, To: opts.To, Step: opts.Step}, nil
	}
	opts.SLOs = slos
	return Run(ctx, opts)
}

func byID(slos []*slo.SLO) map[string]*slo.SLO {
	out := make(map[string]*slo.SLO, len(slos))
	for _, s := range slos {
		out[s.ID] = s
	}
	return out
}

func alertsByID(rep *Report) map[string][]Alert {
	out := map[string][]Alert{}
	for _, s := range rep.SLOs {
		out[s.ID] = s.Alerts
	}
	return out
}

// changedFields names the parts of an SLO that differ; where it was
// declared does not count.
func changedFields(a, b *slo.SLO) []string {
	var out []string
	if a.Objective != b.Objective {
		out = append(out, "objective")
	}
	if a.Period.String() != b.Period.String() || !reflect.DeepEqual(a.Period, b.Period) {
		out = append(out, "period")
	}
	if !reflect.DeepEqual(a.SLI, b.SLI) {
		out = append(out, "sli")
	}
	if !reflect.DeepEqual(a.Alerting, b.Alerting) {
		out = append(out, "alerting")
	}
	if !reflect.DeepEqual(correctionsOf(a), correctionsOf(b)) {
		out = append(out, "corrections")
	}
	// The rest, but where it and its gate were declared; trace links
	// compare by what they render.
	ac, bc := *a, *b
	ac.Source, bc.Source = slo.Source{}, slo.Source{}
	ac.Gate, bc.Gate = gateOf(a), gateOf(b)
	ac.Objective, ac.Period, ac.SLI, ac.Alerting, ac.Corrections = b.Objective, b.Period, b.SLI, b.Alerting, b.Corrections
	ac.Traces.Link, bc.Traces.Link = nil, nil
	if !reflect.DeepEqual(ac, bc) || linkOf(a) != linkOf(b) {
		out = append(out, "metadata")
	}
	return out
}

// comparedCorrection is a correction as diff compares it: without where it
// was declared, a recurring one's time zone by name.
type comparedCorrection struct {
	c    slo.Correction
	zone string
}

// correctionsOf is what an SLO's corrections exclude.
func correctionsOf(s *slo.SLO) []comparedCorrection {
	var out []comparedCorrection
	for _, c := range s.Corrections {
		cc := comparedCorrection{c: c}
		cc.c.Source = slo.Source{}
		if c.Recurring != nil {
			r := *c.Recurring
			if r.Location != nil {
				cc.zone = r.Location.String()
			}
			r.Location = nil
			cc.c.Recurring = &r
		}
		out = append(out, cc)
	}
	return out
}

// gateOf is an SLO's gate without where it was declared.
func gateOf(s *slo.SLO) *slo.Gate {
	if s.Gate == nil {
		return nil
	}
	g := *s.Gate
	g.Source = slo.Source{}
	return &g
}

// linkOf is the trace link an SLO renders for a fixed trace.
func linkOf(s *slo.SLO) string {
	if s.Traces.Link == nil {
		return ""
	}
	link, err := s.Traces.Link.Render(slo.TraceRef{TraceID: "0af7651916cd43dd8448eb211c80319c", Service: s.Service, At: time.Unix(0, 0)})
	if err != nil {
		return s.Traces.Link.String()
	}
	return link
}

// compareAlerts pairs alerts of one kind and tier whose times overlap: identical
// pairs are unchanged, others moved; the rest appear or disappear.
func compareAlerts(old, new []Alert) (appear, disappear []Alert, moved []AlertMove) {
	used := make([]bool, len(new))
	for _, o := range old {
		match := -1
		for j, n := range new {
			if used[j] || n.Kind != o.Kind || n.Severity != o.Severity {
				continue
			}
			if n.Start.Equal(o.Start) && n.End.Equal(o.End) {
				match = j
				break
			}
			if match < 0 && overlap(o, n) {
				match = j
			}
		}
		switch {
		case match < 0:
			disappear = append(disappear, o)
		case !(new[match].Start.Equal(o.Start) && new[match].End.Equal(o.End)):
			moved = append(moved, AlertMove{Old: o, New: new[match]})
			used[match] = true
		default:
			used[match] = true
		}
	}
	for j, n := range new {
		if !used[j] {
			appear = append(appear, n)
		}
	}
	return appear, disappear, moved
}

// overlap says whether two alerts fired at a common instant; an alert
// without an end fires until the end of the range.
func overlap(a, b Alert) bool {
	endsAfter := func(x Alert, t time.Time) bool { return x.End.IsZero() || x.End.After(t) }
	return endsAfter(a, b.Start) && endsAfter(b, a.Start)
}
