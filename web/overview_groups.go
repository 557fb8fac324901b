package web

import "math"

// groupHead heads the members of a grouped SLO on the overview: the
// grouped SLO's id, its members' worst health and lowest budget, and how
// many members the filter keeps.
type groupHead struct {
	ID                                    string
	HealthClass, HealthLabel, HealthTitle string
	Count                                 int
	// Budget is the lowest budget left among the members.
	Budget string
}

// gatherGroups moves the members of each grouped SLO together, behind the
// most urgent of them, which takes a head (on a copy: rows are shared);
// rows keep worstFirst's order otherwise, and so do the members among
// themselves.
func gatherGroups(rows []*row) []*row {
	members := map[string][]int{}
	for i, r := range rows {
		if r.Group != nil {
			members[r.Group.ID] = append(members[r.Group.ID], i)
		}
	}
	if len(members) == 0 {
		return rows
	}
	out := make([]*row, 0, len(rows))
	for _, r := range rows {
		if r.Group == nil {
			out = append(out, r)
			continue
		}
		idx, ok := members[r.Group.ID]
		if !ok {
			continue // already placed behind its head
		}
		delete(members, r.Group.ID)
		head := newGroupHead(rows, idx)
		first := *rows[idx[0]]
		first.Head = head
		out = append(out, &first)
		for _, i := range idx[1:] {
			out = append(out, rows[i])
		}
	}
	return out
}

// newGroupHead sums up the rows at idx, members of one grouped SLO.
func newGroupHead(rows []*row, idx []int) *groupHead {
	worst, low := healthOK, math.NaN()
	for _, i := range idx {
		r := rows[i]
		worst = min(worst, r.Health)
		if !math.IsNaN(r.remaining) && (math.IsNaN(low) || r.remaining < low) {
			low = r.remaining
		}
	}
	info := healthInfo[worst]
	first := rows[idx[0]].Group
	return &groupHead{
		ID: first.ID, Count: len(idx),
		HealthClass: info.class, HealthLabel: info.label, HealthTitle: "the worst of its SLOs: " + info.title,
		Budget: percent(low),
	}
}
