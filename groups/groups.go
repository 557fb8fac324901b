// Package groups expands grouped SLOs (group_by in a spec) into one SLO per
// label value found in Prometheus, before each evaluation cycle. The
// expanded SLOs are ordinary SLOs whose selectors add the group's label
// matchers, so that the query planner merges them: a grouped SLO costs the
// queries of one SLO however many groups it has.
package groups

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// Querier runs an instant query; burnrate.Querier satisfies it.
type Querier interface {
	Query(ctx context.Context, expr string, at time.Time) (model.Vector, error)
}

// minLookback is the shortest stretch in which a group's series must have
// a sample to count as a group: groups that pause briefly stay.
const minLookback = time.Hour

// Group is the state of one grouped SLO after a cycle.
type Group struct {
	// ID is the grouped SLO's id.
	ID string
	// Labels are its group_by labels.
	Labels []string
	// Members are the expanded SLOs' ids, sorted.
	Members []string
	// Err says why the last refresh failed: the query failed, or found
	// more groups than max_groups. Members are then the last good ones.
	Err error
	// RefreshedAt is when the groups were last found.
	RefreshedAt time.Time
}

// Expander finds the groups of grouped SLOs each cycle and keeps the last
// good expansion of each, for a cycle whose refresh fails. It is safe for
// concurrent use.
type Expander struct {
	// Logger receives refresh failures; nil is slog.Default().
	Logger *slog.Logger

	mu sync.Mutex
	// last holds each grouped SLO's groups from its last good refresh, as
	// label values, so that a failed refresh after a reload narrows the
	// reloaded SLO, not the one before.
	last   map[string][][]string
	groups map[string]Group
}

// Expand returns slos with every grouped SLO replaced by its groups' SLOs,
// found at `at`. A grouped SLO whose refresh fails keeps the groups of its
// last good refresh (none before the first) and reports why in Groups.
func (e *Expander) Expand(ctx context.Context, q Querier, slos []*slo.SLO, at time.Time) []*slo.SLO {
	out := make([]*slo.SLO, 0, len(slos))
	groups := map[string]Group{}
	last := map[string][][]string{}
	e.mu.Lock()
	prev := e.last
	e.mu.Unlock()
	for _, s := range slos {
		if len(s.GroupBy) == 0 {
			out = append(out, s)
			continue
		}
		values, err := find(ctx, q, s, at)
		g := Group{ID: s.ID, Labels: s.GroupBy, RefreshedAt: at}
		if err != nil {
			g.Err = err
			values = prev[s.ID]
			e.logger().Warn("grouped SLO keeps its last groups", "slo", s.ID, "groups", len(values), "err", err)
		}
		for _, v := range values {
			m, err := slo.ExpandGroup(s, v)
			if err != nil {
				// Only a template that no longer parses; the loader
				// checked it, so this is a bug, reported, not hidden.
				g.Err = err
				e.logger().Error("grouped SLO cannot be split", "slo", s.ID, "err", err)
				continue
			}
			g.Members = append(g.Members, m.ID)
			out = append(out, m)
		}
		groups[s.ID], last[s.ID] = g, values
	}
	e.mu.Lock()
	e.last, e.groups = last, groups
	e.mu.Unlock()
	return out
}

// Groups returns the state of every grouped SLO after the last cycle,
// sorted by id.
func (e *Expander) Groups() []Group {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Group, 0, len(e.groups))
	for _, g := range e.groups {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b Group) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func (e *Expander) logger() *slog.Logger {
	if e.Logger != nil {
		return e.Logger
	}
	return slog.Default()
}

// find returns a grouped SLO's groups, sorted: the label values of the
// series its valid events come from, seen within its longest alert window.
func find(ctx context.Context, q Querier, s *slo.SLO, at time.Time) ([][]string, error) {
	sel, err := slo.GroupSelector(s)
	if err != nil {
		return nil, fmt.Errorf("find groups of %s: %w", s.ID, err)
	}
	lookback := minLookback
	for _, w := range burnrate.Policy(s) {
		lookback = max(lookback, w.Long)
	}
	names := make([]string, len(s.GroupBy))
	for i, l := range s.GroupBy {
		names[i] = slo.LabelName(l)
	}
	expr := fmt.Sprintf("group by (%s) (last_over_time(%s[%s]))", strings.Join(names, ", "), sel, burnrate.FormatWindow(lookback))
	vec, err := q.Query(ctx, expr, at)
	if err != nil {
		return nil, fmt.Errorf("find groups of %s with %s: %w", s.ID, expr, err)
	}
	seen := map[string][]string{}
	for _, sample := range vec {
		values := make([]string, len(s.GroupBy))
		for i, l := range s.GroupBy {
			values[i] = string(sample.Metric[model.LabelName(l)])
		}
		if strings.Join(values, "") == "" {
			continue // series without the group labels belong to no group
		}
		seen[slo.GroupKey(values)] = values
	}
	if max := s.MaxGroups; max > 0 && len(seen) > max {
		return nil, fmt.Errorf("grouped SLO %s has %d groups by %s, more than its max_groups %d: raise max_groups or narrow its selector",
			s.ID, len(seen), strings.Join(s.GroupBy, ", "), max)
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([][]string, len(keys))
	for i, k := range keys {
		out[i] = seen[k]
	}
	return out, nil
}
