package slo

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
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

// checkGroupLabels reports, at n, the labels of field (group_by, or
// another format's grouping) that cannot split an SLO, and those named
// twice.
func checkGroupLabels(rep *reporter, n *yaml.Node, field string, labels []string) {
	for i, l := range labels {
		switch {
		case !model.LegacyValidation.IsValidLabelName(l) || l == "le":
			rep.at(n, "%s: %q is not a label that can split an SLO", field, l)
		case slices.Contains(labels[:i], l):
			rep.at(n, "%s names %q twice", field, l)
		}
	}
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
	checkGroupLabels(rep, orParent(dec.node(&s.GroupBy), parent), "group_by", s.GroupBy)
	max := DefaultMaxGroups
	if s.MaxGroups != nil {
		if *s.MaxGroups <= 0 {
			rep.at(dec.node(&s.MaxGroups), "max_groups %d is not positive", *s.MaxGroups)
		}
		max = *s.MaxGroups
	}
	return slices.Clone(s.GroupBy), max
}

// GroupKey is the id suffix of one group: its label values joined by '/'.
func GroupKey(values []string) string { return strings.Join(values, "/") }

// ExpandGroup returns the SLO of one group of a grouped SLO: the same SLO
// narrowed to series whose group labels have the given values (in the
// order of GroupBy), with the id "service/name/<values>" and the values
// among its labels. A latency or errors SLI gains equality matchers, which
// the query planner merges across groups, so that a grouped SLO costs the
// queries of one; an events or raw SLI's PromQL gains the matchers in
// every series selector.
func ExpandGroup(s *SLO, values []string) (*SLO, error) {
	if len(values) != len(s.GroupBy) {
		return nil, fmt.Errorf("group of SLO %s: %d values for %d group labels", s.ID, len(values), len(s.GroupBy))
	}
	matchers := make([]*labels.Matcher, len(values))
	for i, l := range s.GroupBy {
		matchers[i] = labels.MustNewMatcher(labels.MatchEqual, l, values[i])
	}
	out := *s
	out.ID = s.ID + "/" + GroupKey(values)
	out.GroupBy, out.MaxGroups = nil, 0
	out.Group = &GroupMember{ID: s.ID, Values: slices.Clone(values)}
	out.Labels = maps.Clone(s.Labels)
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	for i, l := range s.GroupBy {
		out.Labels[l] = values[i]
	}
	sli := s.SLI
	var err error
	switch sli.Kind {
	case SLILatency, SLIErrors:
		sli.Matchers = append(slices.Clone(sli.Matchers), matchers...)
	case SLIEvents:
		for _, q := range []*string{&sli.GoodQuery, &sli.ErrorQuery, &sli.TotalQuery} {
			if *q != "" {
				if *q, err = narrowTemplate(*q, matchers); err != nil {
					return nil, fmt.Errorf("group %s of SLO %s: %w", GroupKey(values), s.ID, err)
				}
			}
		}
	case SLIRaw:
		if sli.ErrorRatioQuery, err = narrowTemplate(sli.ErrorRatioQuery, matchers); err != nil {
			return nil, fmt.Errorf("group %s of SLO %s: %w", GroupKey(values), s.ID, err)
		}
	}
	out.SLI = sli
	return &out, nil
}

// windowSentinel stands for {{.window}} while a template is parsed as
// PromQL: a duration no spec writes.
const windowSentinel = 7777777 * time.Second

// narrowTemplate adds matchers to every series selector of a query
// template.
func narrowTemplate(tmpl string, matchers []*labels.Matcher) (string, error) {
	sentinel := model.Duration(windowSentinel).String()
	q, err := ExpandWindow(tmpl, sentinel)
	if err != nil {
		return "", err
	}
	expr, err := promqlParser.ParseExpr(q)
	if err != nil {
		return "", fmt.Errorf("query %q: %w", q, err)
	}
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			vs.LabelMatchers = append(vs.LabelMatchers, matchers...)
		}
		return nil
	})
	return strings.ReplaceAll(expr.String(), sentinel, "{{.window}}"), nil
}

// GroupSelector returns a series selector that finds a grouped SLO's
// groups: the series its valid events are counted from.
func GroupSelector(s *SLO) (string, error) {
	switch s.SLI.Kind {
	case SLILatency:
		if s.SLI.Native {
			return Selector(s.SLI.Metric, s.SLI.Matchers), nil
		}
		return Selector(s.SLI.HistogramBase()+"_count", s.SLI.Matchers), nil
	case SLIErrors:
		return Selector(s.SLI.Metric, s.SLI.Matchers), nil
	}
	tmpl := s.SLI.TotalQuery
	if s.SLI.Kind == SLIRaw {
		tmpl = s.SLI.ErrorRatioQuery
	}
	q, err := ExpandWindow(tmpl, "5m")
	if err != nil {
		return "", err
	}
	expr, err := promqlParser.ParseExpr(q)
	if err != nil {
		return "", fmt.Errorf("query %q: %w", q, err)
	}
	var sel string
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok && sel == "" {
			vs.OriginalOffset, vs.Offset, vs.Timestamp, vs.StartOrEnd = 0, 0, nil, 0
			sel = vs.String()
		}
		return nil
	})
	if sel == "" {
		return "", fmt.Errorf("query %q selects no series to find groups in", q)
	}
	return sel, nil
}
