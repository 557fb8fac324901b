package slo

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"gopkg.in/yaml.v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Pyrra's ServiceLevelObjective (pyrra.dev/v1alpha1), as Pyrra's filesystem
// mode and its Kubernetes operator read it. The types follow Pyrra's
// kubernetes/api/v1alpha1 package, whose module is not served by the Go
// module proxy; the Kubernetes metadata is apimachinery's own ObjectMeta.

// The apiVersion and kind of a Pyrra SLO.
const (
	PyrraAPIVersion = "pyrra.dev/v1alpha1"
	PyrraKind       = "ServiceLevelObjective"
)

type pyrraSLO struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       pyrraSpec         `json:"spec"`
	Status     struct {
		Type string `json:"type"`
	} `json:"status"`
}

type pyrraSpec struct {
	Description             string          `json:"description"`
	Target                  string          `json:"target"`
	Window                  string          `json:"window"`
	Indicator               pyrraIndicator  `json:"indicator"`
	Alerting                pyrraAlerting   `json:"alerting"`
	PartialResponseStrategy string          `json:"partial_response_strategy"`
	PerformanceOverAccuracy bool            `json:"performanceOverAccuracy"`
	RuleOutput              *pyrraRuleLabel `json:"ruleOutput"`
}

type pyrraRuleLabel struct {
	ShortRulesLabels         map[string]string `json:"shortRulesLabels"`
	LongRulesLabels          map[string]string `json:"longRulesLabels"`
	EnableDescriptionAsLabel bool              `json:"enableDescriptionAsLabel"`
}

type pyrraIndicator struct {
	Ratio         *pyrraRatio         `json:"ratio"`
	Latency       *pyrraLatency       `json:"latency"`
	LatencyNative *pyrraLatencyNative `json:"latencyNative"`
	BoolGauge     *pyrraBoolGauge     `json:"bool_gauge"`
}

type pyrraQuery struct {
	Metric string `json:"metric"`
}

type pyrraRatio struct {
	Errors   pyrraQuery `json:"errors"`
	Total    pyrraQuery `json:"total"`
	Grouping []string   `json:"grouping"`
}

type pyrraLatency struct {
	Success  pyrraQuery `json:"success"`
	Total    pyrraQuery `json:"total"`
	Grouping []string   `json:"grouping"`
}

type pyrraLatencyNative struct {
	Total    pyrraQuery `json:"total"`
	Latency  string     `json:"latency"`
	Grouping []string   `json:"grouping"`
}

type pyrraBoolGauge struct {
	Query    pyrraQuery `json:",inline"`
	Grouping []string   `json:"grouping"`
}

type pyrraAlerting struct {
	Disabled   *bool            `json:"disabled"`
	Burnrates  *bool            `json:"burnrates"`
	Absent     *bool            `json:"absent"`
	Name       string           `json:"name"`
	AbsentName string           `json:"absentName"`
	Severities *pyrraSeverities `json:"severities"`
}

type pyrraSeverities struct {
	Absent       string `json:"absent"`
	FastBurn     string `json:"fastBurn"`
	MediumBurn   string `json:"mediumBurn"`
	SlowBurn     string `json:"slowBurn"`
	LongTermBurn string `json:"longTermBurn"`
}

// pyrraSLOs converts a Pyrra ServiceLevelObjective. Its service is its
// namespace ("default" without one), its team the pyrra.dev/team label
// or the namespace, and its alert windows Pyrra's own, scaled to its window.
func pyrraSLOs(fc fileContext, root *yaml.Node) []*SLO {
	rep, dec := fc.rep, fc.dec
	var p pyrraSLO
	dec.decode(root, reflectValue(&p))
	if dec.exhausted() {
		return nil
	}
	meta, spec := &p.Metadata, &p.Spec
	specNode := orParent(dec.node(spec), root)
	checkName(rep, dec.node(&meta.Name), root, "metadata.name", meta.Name)
	service := meta.Namespace
	if service == "" {
		service = "default"
	}
	checkName(rep, dec.node(&meta.Namespace), root, "metadata.namespace", service)
	out := &SLO{
		ID:          service + "/" + meta.Name,
		Name:        meta.Name,
		Service:     service,
		Team:        service,
		Description: spec.Description,
		Labels:      map[string]string{},
		Source:      Source{Path: rep.path, Line: root.Line, Column: root.Column, Format: PyrraAPIVersion},
		Traces:      Traces{TraceIDLabels: DefaultTraceIDLabels},
	}
	// Pyrra hands its rules the labels prefixed pyrra.dev/, without the
	// prefix; the others belong to the operator that picks the object up.
	for k, v := range meta.Labels {
		if name, ok := strings.CutPrefix(k, "pyrra.dev/"); ok {
			out.Labels[labelNameFor(name)] = v
		}
	}
	if team := out.Labels["team"]; team != "" {
		out.Team = team
	}
	target, err := strconv.ParseFloat(spec.Target, 64)
	switch {
	case spec.Target == "":
		rep.at(specNode, "missing required field %q", "target")
	case err != nil:
		rep.at(dec.node(&spec.Target), "target %q is not a number", spec.Target)
	default:
		checkObjective(rep, dec.node(&spec.Target), specNode, &target)
		out.Objective = roundSignificant(target / 100)
	}
	out.Period = Period{Rolling: DefaultPeriod, Location: time.UTC}
	if spec.Window == "" {
		rep.at(specNode, "missing required field %q", "window")
	} else if d, err := parseDuration(spec.Window); err != nil || d <= 0 {
		rep.at(dec.node(&spec.Window), "window %q is not a duration like 4w or 28d", spec.Window)
	} else {
		out.Period.Rolling = d
	}
	out.SLI, out.GroupBy = pyrraSLI(fc, &spec.Indicator, orParent(dec.node(&spec.Indicator), specNode))
	checkGroupLabels(rep, orParent(dec.node(spec.Indicator.grouping()), orParent(dec.node(&spec.Indicator), specNode)), "grouping", out.GroupBy)
	out.Traces = tracesConfig{}.resolve(out.SLI.Dialect)
	if len(out.GroupBy) > 0 {
		out.MaxGroups = DefaultMaxGroups
	}
	out.Alerting = pyrraAlertingFor(&spec.Alerting, out)
	if rep.within(root) {
		return nil
	}
	return []*SLO{out}
}

// pyrraAlertingFor applies Pyrra's alerting settings and its windows.
func pyrraAlertingFor(a *pyrraAlerting, s *SLO) Alerting {
	out := Alerting{Name: a.Name, Windows: pyrraWindows(s.Period.Rolling)}
	if out.Name == "" {
		out.Name = defaultAlertName(s.Service, s.Name)
	}
	off := (a.Disabled != nil && *a.Disabled) || (a.Burnrates != nil && !*a.Burnrates)
	out.Page.Disabled, out.Ticket.Disabled = off, off
	if sev := a.Severities; sev != nil {
		if sev.FastBurn != "" {
			out.Page.Labels = map[string]string{"severity": sev.FastBurn}
		}
		if sev.SlowBurn != "" {
			out.Ticket.Labels = map[string]string{"severity": sev.SlowBurn}
		}
	}
	return out
}

// pyrraWindows is Pyrra's window table (slo.Windows in Pyrra), written for
// 28 days and scaled to the SLO's window; Pyrra's critical alerts page, its
// warnings open tickets.
func pyrraWindows(period time.Duration) []Window {
	scale := func(d time.Duration) time.Duration {
		return (time.Duration(float64(period) / float64(28*24*time.Hour) * float64(d))).Round(time.Minute)
	}
	table := []struct {
		sev         Severity
		long, short time.Duration
		factor      float64
	}{
		{Page, time.Hour, 5 * time.Minute, 14},         // 50% of the budget within a day
		{Page, 6 * time.Hour, 30 * time.Minute, 7},     // 20% within a day, all of it within 5 days
		{Ticket, 24 * time.Hour, 2 * time.Hour, 2},     // 10% within a day, all of it within 10 days
		{Ticket, 4 * 24 * time.Hour, 6 * time.Hour, 1}, // all of it by the end of the window
	}
	out := make([]Window, len(table))
	for i, t := range table {
		long := scale(t.long)
		out[i] = Window{Severity: t.sev, Long: long, Short: scale(t.short), Factor: t.factor, BudgetShare: t.factor * float64(long) / float64(period)}
	}
	return out
}

// grouping is the grouping field of the indicator's kind, nil when no
// single kind is set.
func (in *pyrraIndicator) grouping() *[]string {
	switch {
	case in.Ratio != nil:
		return &in.Ratio.Grouping
	case in.Latency != nil:
		return &in.Latency.Grouping
	case in.LatencyNative != nil:
		return &in.LatencyNative.Grouping
	case in.BoolGauge != nil:
		return &in.BoolGauge.Grouping
	}
	return nil
}

// pyrraSLI converts the one indicator a Pyrra SLO has, and its grouping.
func pyrraSLI(fc fileContext, in *pyrraIndicator, n *yaml.Node) (SLI, []string) {
	rep, dec := fc.rep, fc.dec
	set := 0
	for _, isSet := range []bool{in.Ratio != nil, in.Latency != nil, in.LatencyNative != nil, in.BoolGauge != nil} {
		if isSet {
			set++
		}
	}
	switch {
	case set == 0:
		rep.at(n, "indicator needs one of ratio, latency, latencyNative or bool_gauge")
	case set > 1:
		rep.at(n, "indicator sets %d kinds; set exactly one of ratio, latency, latencyNative or bool_gauge", set)
	case in.Ratio != nil:
		return pyrraRatioSLI(fc, in.Ratio), in.Ratio.Grouping
	case in.Latency != nil:
		return pyrraLatencySLI(fc, in.Latency), in.Latency.Grouping
	case in.LatencyNative != nil:
		return pyrraNativeSLI(fc, in.LatencyNative), in.LatencyNative.Grouping
	default:
		g := in.BoolGauge
		sel, ok := pyrraSelector(rep, dec, &g.Query.Metric, dec.node(g))
		if !ok {
			return SLI{}, nil
		}
		good := fmt.Sprintf("sum(sum_over_time(%s[{{.window}}]))", sel)
		total := fmt.Sprintf("sum(count_over_time(%s[{{.window}}]))", sel)
		gn := dec.node(&g.Query.Metric)
		return eventsSLI(fc, good, "", total, dec.node(g), gn, nil, gn), g.Grouping
	}
	return SLI{}, nil
}

// pyrraSelector checks that a metric is a series selector, as Pyrra wants.
func pyrraSelector(rep *reporter, dec *strictDecoder, metric *string, parent *yaml.Node) (string, bool) {
	n := orParent(dec.node(metric), parent)
	if *metric == "" {
		rep.at(n, "missing required field %q", "metric")
		return "", false
	}
	if _, _, err := parseSelector(*metric); err != nil {
		rep.at(n, "metric: %v", err)
		return "", false
	}
	return *metric, true
}

// pyrraRatioSLI reads errors over total. Two selectors of one counter that
// differ only in the errors' extra matchers make an errors SLI, which
// burnwatch merges with others on the same counter; anything else is an
// events SLI.
func pyrraRatioSLI(fc fileContext, r *pyrraRatio) SLI {
	rep, dec := fc.rep, fc.dec
	n := dec.node(r)
	errSel, ok1 := pyrraSelector(rep, dec, &r.Errors.Metric, n)
	totalSel, ok2 := pyrraSelector(rep, dec, &r.Total.Metric, n)
	if !ok1 || !ok2 {
		return SLI{}
	}
	errName, errMatchers, _ := parseSelector(errSel)
	totalName, totalMatchers, _ := parseSelector(totalSel)
	if extra, ok := extraMatchers(errMatchers, totalMatchers); ok && errName == totalName && len(extra) > 0 {
		return SLI{Kind: SLIErrors, Dialect: detectCallsDialect(totalName), Metric: totalName, Matchers: totalMatchers, ErrorMatcher: ErrorMatcher{extra}}
	}
	bad := fmt.Sprintf("sum(increase(%s[{{.window}}]))", errSel)
	total := fmt.Sprintf("sum(increase(%s[{{.window}}]))", totalSel)
	return eventsSLI(fc, "", bad, total, n, nil, dec.node(&r.Errors.Metric), dec.node(&r.Total.Metric))
}

// extraMatchers returns the matchers of sub that super lacks, when super's
// are all among sub's.
func extraMatchers(sub, super []*labels.Matcher) ([]*labels.Matcher, bool) {
	key := func(m *labels.Matcher) string { return m.String() }
	have := map[string]bool{}
	for _, m := range sub {
		have[key(m)] = true
	}
	for _, m := range super {
		if !have[key(m)] {
			return nil, false
		}
		delete(have, key(m))
	}
	var extra []*labels.Matcher
	for _, m := range sub {
		if have[key(m)] {
			extra = append(extra, m)
		}
	}
	return extra, true
}

// pyrraLatencySLI reads a bucket over a count. A histogram's bucket and
// count with the same matchers and a unit its name tells make a latency
// SLI; anything else is an events SLI.
func pyrraLatencySLI(fc fileContext, l *pyrraLatency) SLI {
	rep, dec := fc.rep, fc.dec
	n := dec.node(l)
	successSel, ok1 := pyrraSelector(rep, dec, &l.Success.Metric, n)
	totalSel, ok2 := pyrraSelector(rep, dec, &l.Total.Metric, n)
	if !ok1 || !ok2 {
		return SLI{}
	}
	successName, successMatchers, _ := parseSelector(successSel)
	totalName, totalMatchers, _ := parseSelector(totalSel)
	i := slices.IndexFunc(successMatchers, func(m *labels.Matcher) bool { return m.Name == "le" })
	if i < 0 || successMatchers[i].Type != labels.MatchEqual {
		rep.at(orParent(dec.node(&l.Success.Metric), n), "latency success metric needs an le=\"...\" matcher")
		return SLI{}
	}
	le, err := strconv.ParseFloat(successMatchers[i].Value, 64)
	if err != nil {
		rep.at(orParent(dec.node(&l.Success.Metric), n), "latency success metric's le %q is not a number", successMatchers[i].Value)
		return SLI{}
	}
	base := strings.TrimSuffix(successName, "_bucket")
	others := slices.Delete(slices.Clone(successMatchers), i, i+1)
	extra, same := extraMatchers(others, totalMatchers)
	dialect, unit := detectHistogramDialect(base)
	if same && len(extra) == 0 && base != successName && totalName == base+"_count" && unit != 0 {
		return SLI{
			Kind: SLILatency, Dialect: dialect, Metric: successName, Matchers: totalMatchers,
			Threshold: time.Duration(le * float64(unit)), Bucket: le,
		}
	}
	good := fmt.Sprintf("sum(increase(%s[{{.window}}]))", successSel)
	total := fmt.Sprintf("sum(increase(%s[{{.window}}]))", totalSel)
	return eventsSLI(fc, good, "", total, n, dec.node(&l.Success.Metric), nil, dec.node(&l.Total.Metric))
}

// pyrraNativeSLI reads a native histogram up to a latency; Pyrra's
// latencies are in the histogram's unit, seconds unless its name says ms.
func pyrraNativeSLI(fc fileContext, l *pyrraLatencyNative) SLI {
	rep, dec := fc.rep, fc.dec
	n := dec.node(l)
	sel, ok := pyrraSelector(rep, dec, &l.Total.Metric, n)
	if !ok {
		return SLI{}
	}
	name, matchers, _ := parseSelector(sel)
	threshold, err := parseThreshold(l.Latency)
	switch {
	case l.Latency == "":
		rep.at(n, "missing required field %q", "latency")
		return SLI{}
	case err != nil || threshold <= 0:
		rep.at(dec.node(&l.Latency), "latency %q is not a positive duration like 200ms or 1s", l.Latency)
		return SLI{}
	}
	dialect, unit := detectHistogramDialect(name)
	if unit == 0 {
		unit = time.Second
	}
	return SLI{
		Kind: SLILatency, Dialect: dialect, Metric: name, Matchers: matchers, Native: true,
		Threshold: threshold, Bucket: float64(threshold) / float64(unit),
	}
}
