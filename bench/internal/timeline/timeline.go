// Package timeline holds what detectors decide at each evaluation instant:
// the instants themselves, runs of regular steps like a rule group's
// evaluations, and burnwatch's decisions, stepped through them.
package timeline

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// Segment is a run of evaluation instants: Start, Start+Step, … up to and
// including End.
type Segment struct {
	Start, End time.Time
	Step       time.Duration
}

// Instants returns every instant of the segments, sorted, without
// duplicates.
func Instants(segs ...Segment) []time.Time {
	seen := map[int64]bool{}
	var out []time.Time
	for _, s := range segs {
		for t := s.Start; !t.After(s.End); t = t.Add(s.Step) {
			if !seen[t.UnixMilli()] {
				seen[t.UnixMilli()] = true
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// Decision is what a detector says at one instant: whether its page and
// its ticket alert fire.
type Decision struct {
	Page, Ticket bool
}

// Fires reports whether the decision fires the given tier.
func (d Decision) Fires(sev slo.Severity) bool {
	if sev == slo.Page {
		return d.Page
	}
	return d.Ticket
}

// Timeline is one detector's decisions about one SLO, keyed by the
// instant in Unix milliseconds. A missing instant decided nothing.
type Timeline map[int64]Decision

// At returns the decision at t.
func (tl Timeline) At(t time.Time) Decision { return tl[t.UnixMilli()] }

// Burnwatch evaluates every SLO at each instant and returns each SLO's
// timeline keyed by SLO id, and the number of queries sent. The instants
// are split into `parts` consecutive runs, each stepped through by its own
// evaluator, all at once: an evaluator's first cycle builds its tiles from
// the same data that a single evaluator's tiles would have been extended
// with, so the decisions are the same, only sooner on several cores. An
// SLO whose evaluation fails is an error: the suites compare decisions, and
// a failed evaluation decides nothing.
func Burnwatch(ctx context.Context, opts burnrate.Options, parts int, q burnrate.Querier, slos []*slo.SLO, instants []time.Time) (map[string]Timeline, int, error) {
	parts = max(1, min(parts, len(instants)))
	type result struct {
		decisions map[string]Timeline
		queries   int
		err       error
	}
	results := make([]result, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(instants)/parts, (p+1)*len(instants)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &results[p]
			r.decisions, r.queries, r.err = step(ctx, burnrate.NewEvaluator(opts), q, slos, instants[lo:hi])
		}()
	}
	wg.Wait()
	out := make(map[string]Timeline, len(slos))
	for _, s := range slos {
		out[s.ID] = Timeline{}
	}
	queries := 0
	for _, r := range results {
		if r.err != nil {
			return nil, 0, r.err
		}
		queries += r.queries
		for id, tl := range r.decisions {
			maps.Copy(out[id], tl)
		}
	}
	return out, queries, nil
}

// step steps one evaluator through the instants.
func step(ctx context.Context, ev *burnrate.Evaluator, q burnrate.Querier, slos []*slo.SLO, instants []time.Time) (map[string]Timeline, int, error) {
	out := make(map[string]Timeline, len(slos))
	for _, s := range slos {
		out[s.ID] = Timeline{}
	}
	queries := 0
	for _, at := range instants {
		res := ev.Evaluate(ctx, q, slos, at)
		queries += res.Queries
		for i := range res.Statuses {
			st := &res.Statuses[i]
			if st.State == burnrate.StateError {
				return nil, queries, fmt.Errorf("evaluate %s at %s: %s", st.SLO.ID, at.UTC().Format(time.RFC3339), st.Reason)
			}
			var d Decision
			for _, a := range st.Alerts {
				if a.Firing {
					d.Page = d.Page || a.Severity == slo.Page
					d.Ticket = d.Ticket || a.Severity == slo.Ticket
				}
			}
			out[st.SLO.ID][at.UnixMilli()] = d
		}
	}
	return out, queries, nil
}
