package slo

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"gopkg.in/yaml.v3"
)

// NativeSpec writes SLOs, loaded from any format, as burnwatch/v1
// documents: one per team, in the order of the SLOs. Loading the result
// gives the same SLOs back. An SLO that the native format cannot express
// (an errors SLI whose error matcher has several non-default
// alternatives) is an error.
func NativeSpec(slos []*SLO) ([]byte, error) {
	var teams []string
	byTeam := map[string][]*SLO{}
	for _, s := range slos {
		if _, ok := byTeam[s.Team]; !ok {
			teams = append(teams, s.Team)
		}
		byTeam[s.Team] = append(byTeam[s.Team], s)
	}
	var buf bytes.Buffer
	for i, team := range teams {
		doc, err := nativeDocument(team, byTeam[team])
		if err != nil {
			return nil, err
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(doc); err != nil {
			return nil, fmt.Errorf("encode team %s: %w", team, err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("encode team %s: %w", team, err)
		}
	}
	return buf.Bytes(), nil
}

// mapping builds a YAML mapping that leaves out empty values.
type mapping struct{ node *yaml.Node }

func newMapping() mapping { return mapping{&yaml.Node{Kind: yaml.MappingNode}} }

func (m mapping) set(key string, value *yaml.Node) {
	if value == nil {
		return
	}
	m.node.Content = append(m.node.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, value)
}

func (m mapping) str(key, value string) {
	if value != "" {
		m.set(key, &yaml.Node{Kind: yaml.ScalarNode, Value: value, Style: scalarStyle(value)})
	}
}

func (m mapping) number(key string, v float64) {
	m.set(key, &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.FormatFloat(v, 'g', -1, 64)})
}

func (m mapping) flag(key string, v bool) {
	if v {
		m.set(key, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	}
}

func (m mapping) labels(key string, ls map[string]string) {
	if len(ls) == 0 {
		return
	}
	sub := newMapping()
	for _, k := range slices.Sorted(maps.Keys(ls)) {
		sub.set(k, &yaml.Node{Kind: yaml.ScalarNode, Value: ls[k], Style: yaml.DoubleQuotedStyle})
	}
	m.set(key, sub.node)
}

func (m mapping) sub(key string, sub mapping) {
	if len(sub.node.Content) > 0 {
		m.set(key, sub.node)
	}
}

// scalarStyle quotes what YAML would read as something else than a string.
func scalarStyle(v string) yaml.Style {
	var probe any
	if err := yaml.Unmarshal([]byte(v), &probe); err == nil && fmt.Sprint(probe) == v && !strings.ContainsAny(v, "#{}[]") {
		if _, ok := probe.(string); ok {
			return 0
		}
	}
	if strings.ContainsAny(v, "'\n") {
		return yaml.DoubleQuotedStyle
	}
	return yaml.SingleQuotedStyle
}

func nativeDocument(team string, slos []*SLO) (*yaml.Node, error) {
	doc := newMapping()
	doc.str("version", NativeVersion)
	doc.str("team", team)
	owners := newMapping()
	owners.str("slack_channel", slos[0].Owners.SlackChannel)
	owners.str("pagerduty_service", slos[0].Owners.PagerDutyService)
	doc.sub("owners", owners)
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, s := range slos {
		n, err := nativeSLO(s)
		if err != nil {
			return nil, fmt.Errorf("SLO %s (%s:%d:%d): %w", s.ID, s.Source.Path, s.Source.Line, s.Source.Column, err)
		}
		list.Content = append(list.Content, n)
	}
	doc.set("slos", list)
	return doc.node, nil
}

func nativeSLO(s *SLO) (*yaml.Node, error) {
	m := newMapping()
	m.str("name", s.Name)
	m.str("service", s.Service)
	m.str("description", s.Description)
	m.number("objective", s.ObjectivePercent())
	if s.Period.Calendar != "" {
		m.str("period", string(s.Period.Calendar))
		if s.Period.Location != nil && s.Period.Location != time.UTC {
			m.str("time_zone", s.Period.Location.String())
		}
	} else {
		m.str("period", fmtDuration(s.Period.Rolling))
	}
	m.labels("labels", s.Labels)
	if len(s.GroupBy) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, l := range s.GroupBy {
			seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: l})
		}
		m.set("group_by", seq)
		if s.MaxGroups > 0 {
			m.number("max_groups", float64(s.MaxGroups))
		}
	}
	sli, err := nativeSLI(s.SLI)
	if err != nil {
		return nil, err
	}
	m.set("sli", sli.node)
	m.sub("alerting", nativeAlerting(s))
	traces := newMapping()
	if info, ok := s.SLI.Dialect.Info(); len(s.Traces.TraceIDLabels) == 1 && (!ok || !slices.Equal(info.TraceIDLabels, s.Traces.TraceIDLabels)) {
		traces.str("trace_id_label", s.Traces.TraceIDLabels[0])
	}
	if s.Traces.Link != nil {
		traces.str("link", s.Traces.Link.String())
		traces.str("url", s.Traces.Link.baseURL)
		traces.str("datasource", s.Traces.Link.datasource)
	}
	m.sub("traces", traces)
	return m.node, nil
}

func nativeSLI(sli SLI) (mapping, error) {
	out := newMapping()
	kind := newMapping()
	switch sli.Kind {
	case SLILatency:
		kind.str("metric", Selector(sli.Metric, sli.Matchers))
		kind.str("threshold", sli.Threshold.String())
		kind.str("dialect", string(sli.Dialect))
		unit := time.Duration(float64(sli.Threshold) / sli.Bucket).Round(time.Millisecond)
		switch unit {
		case time.Millisecond:
			kind.str("unit", "ms")
		case time.Second:
			kind.str("unit", "s")
		default:
			return out, fmt.Errorf("latency bucket %v for threshold %s is in neither ms nor s", sli.Bucket, sli.Threshold)
		}
		kind.flag("native", sli.Native)
		out.sub("latency", kind)
	case SLIErrors:
		kind.str("metric", Selector(sli.Metric, sli.Matchers))
		switch {
		case slices.EqualFunc(sli.ErrorMatcher, DefaultErrorMatcher(), sameMatchers):
		case len(sli.ErrorMatcher) == 1:
			kind.str("error_matcher", matchersText(sli.ErrorMatcher[0]))
		default:
			return out, fmt.Errorf("error matcher %s has several alternatives, which burnwatch/v1 cannot write", sli.ErrorMatcher)
		}
		kind.str("dialect", string(sli.Dialect))
		out.sub("errors", kind)
	case SLIEvents:
		kind.str("good_query", sli.GoodQuery)
		kind.str("error_query", sli.ErrorQuery)
		kind.str("total_query", sli.TotalQuery)
		out.sub("events", kind)
	case SLIRaw:
		kind.str("error_ratio_query", sli.ErrorRatioQuery)
		out.sub("raw", kind)
	default:
		return out, fmt.Errorf("SLI kind %q is unknown", sli.Kind)
	}
	return out, nil
}

func sameMatchers(a, b []*labels.Matcher) bool {
	return slices.EqualFunc(a, b, func(x, y *labels.Matcher) bool { return x.String() == y.String() })
}

func matchersText(ms []*labels.Matcher) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return strings.Join(parts, ", ")
}

func nativeAlerting(s *SLO) mapping {
	a := s.Alerting
	m := newMapping()
	if a.Name != defaultAlertName(s.Service, s.Name) {
		m.str("name", a.Name)
	}
	for _, tier := range []struct {
		key string
		t   Tier
	}{{"page", a.Page}, {"ticket", a.Ticket}} {
		t := newMapping()
		t.flag("disable", tier.t.Disabled)
		t.labels("labels", tier.t.Labels)
		t.labels("annotations", tier.t.Annotations)
		m.sub(tier.key, t)
	}
	if len(a.Windows) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, w := range a.Windows {
			wm := newMapping()
			wm.str("severity", string(w.Severity))
			wm.str("long", fmtDuration(w.Long))
			wm.str("short", fmtDuration(w.Short))
			wm.number("factor", w.Factor)
			seq.Content = append(seq.Content, wm.node)
		}
		m.set("windows", seq)
	}
	m.labels("labels", a.Labels)
	m.labels("annotations", a.Annotations)
	m.str("runbook_url", a.RunbookURL)
	if a.MinValidEvents > 0 {
		m.number("min_valid_events", a.MinValidEvents)
	}
	return m
}
