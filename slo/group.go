package slo

import (
	"slices"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// DefaultMaxGroups bounds a grouped SLO that names no max_groups.
const DefaultMaxGroups = 100

// GroupMember says which grouped SLO an expanded SLO comes from.
type GroupMember struct {
	// ID is the grouped SLO's id, "service/name".
	ID string
	// Values are the group labels' values, in the order of GroupBy.
	Values []string
}

// groupSpec validates a native SLO's group_by and max_groups.
func groupSpec(rep *reporter, dec *strictDecoder, s *sloSpec, parent *yaml.Node) ([]string, int) {
	if s.MaxGroups != nil && len(s.GroupBy) == 0 {
		rep.at(dec.node(&s.MaxGroups), "max_groups only applies with group_by")
		return nil, 0
	}
	if len(s.GroupBy) == 0 {
		return nil, 0
	}
	n := orParent(dec.node(&s.GroupBy), parent)
	for i, l := range s.GroupBy {
		switch {
		case !model.LegacyValidation.IsValidLabelName(l) || l == "le":
			rep.at(n, "group_by: %q is not a label that can split an SLO", l)
		case slices.Contains(s.GroupBy[:i], l):
			rep.at(n, "group_by names %q twice", l)
		}
	}
	max := DefaultMaxGroups
	if s.MaxGroups != nil {
		if *s.MaxGroups <= 0 {
			rep.at(dec.node(&s.MaxGroups), "max_groups %d is not positive", *s.MaxGroups)
		}
		max = *s.MaxGroups
	}
	return slices.Clone(s.GroupBy), max
}
