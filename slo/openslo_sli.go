package slo

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"gopkg.in/yaml.v3"
)

// How OpenSLO indicators become SLIs: ratio metrics as errors or events
// SLIs, raw ratios as raw SLIs, threshold metrics as events SLIs over
// one-minute samples; every metric source must be Prometheus.

// opensloIndicator is an SLO's SLI: a ratio SLI ready to use, or a
// threshold metric's query, which the objective completes.
type opensloIndicator struct {
	ratio     SLI
	threshold string
}

func (r *opensloResolver) indicator(rep *reporter, dec *strictDecoder, spec *opensloSLOSpec, specNode *yaml.Node) opensloIndicator {
	switch {
	case spec.Indicator != nil && spec.IndicatorRef != "":
		rep.at(dec.node(spec.Indicator), "SLO sets both indicator and indicatorRef; set one")
	case spec.Indicator != nil:
		return r.sli(rep, dec, &spec.Indicator.Spec, orParent(dec.node(&spec.Indicator.Spec), dec.node(spec.Indicator)))
	case spec.IndicatorRef != "":
		obj := r.set.lookup(opensloSLI, spec.IndicatorRef)
		if obj == nil {
			rep.at(dec.node(&spec.IndicatorRef), "indicatorRef %q names no SLI", spec.IndicatorRef)
			return opensloIndicator{}
		}
		sliRep := r.reporter(obj.path)
		defer r.keep(sliRep)
		doc := obj.value.(*opensloSLIDoc)
		return r.sli(sliRep, obj.dec, &doc.Spec, orParent(obj.dec.node(&doc.Spec), obj.node))
	default:
		rep.at(specNode, "SLO needs indicator or indicatorRef")
	}
	return opensloIndicator{}
}

func (r *opensloResolver) sli(rep *reporter, dec *strictDecoder, s *opensloSLISpec, n *yaml.Node) opensloIndicator {
	switch {
	case s.ThresholdMetric != nil && s.RatioMetric != nil:
		rep.at(n, "SLI sets both thresholdMetric and ratioMetric; set one")
	case s.ThresholdMetric != nil:
		q, _ := r.query(rep, dec, s.ThresholdMetric, n)
		return opensloIndicator{threshold: q}
	case s.RatioMetric != nil:
		return opensloIndicator{ratio: r.ratio(rep, dec, s.RatioMetric)}
	default:
		rep.at(n, "SLI needs thresholdMetric or ratioMetric")
	}
	return opensloIndicator{}
}

func (r *opensloResolver) ratio(rep *reporter, dec *strictDecoder, m *opensloRatioMetric) SLI {
	n := dec.node(m)
	counter := m.Counter != nil && *m.Counter
	if m.Raw != nil {
		if m.Good != nil || m.Bad != nil || m.Total != nil {
			rep.at(n, "ratioMetric sets raw with good, bad or total; set raw alone")
			return SLI{}
		}
		q, ok := r.query(rep, dec, m.Raw, n)
		if !ok {
			return SLI{}
		}
		ratio := gaugeRatioTemplate(q)
		switch m.RawType {
		case "failure":
		case "success":
			ratio = "1 - (" + ratio + ")"
		case "":
			rep.at(n, "missing required field %q (success or failure)", "rawType")
			return SLI{}
		default:
			rep.at(dec.node(&m.RawType), "rawType %q is neither success nor failure", m.RawType)
			return SLI{}
		}
		return rawSLI(fileContext{rep: rep}, ratio, n, dec.node(m.Raw))
	}
	switch {
	case m.Total == nil:
		rep.at(n, "missing required field %q", "total")
		return SLI{}
	case m.Good != nil && m.Bad != nil:
		rep.at(n, "ratioMetric sets both good and bad; set one")
		return SLI{}
	case m.Good == nil && m.Bad == nil:
		rep.at(n, "ratioMetric needs good or bad beside total")
		return SLI{}
	}
	events := func(h *opensloMetricHolder) (string, *yaml.Node, bool) {
		q, ok := r.query(rep, dec, h, n)
		if !ok {
			return "", nil, false
		}
		qn := dec.node(h)
		t, err := counterTemplate(q, counter)
		if err != nil {
			rep.at(qn, "query %v", err)
			return "", nil, false
		}
		return t, qn, true
	}
	if sli, ok := r.counterErrorsSLI(m, counter); ok {
		return sli
	}
	total, totalNode, totalOK := events(m.Total)
	if m.Good != nil {
		good, goodNode, ok := events(m.Good)
		if !ok || !totalOK {
			return SLI{}
		}
		return eventsSLI(fileContext{rep: rep}, good, "", total, n, goodNode, nil, totalNode)
	}
	bad, badNode, ok := events(m.Bad)
	if !ok || !totalOK {
		return SLI{}
	}
	return eventsSLI(fileContext{rep: rep}, "", bad, total, n, nil, badNode, totalNode)
}

// query returns a metric source's PromQL, after checking that the source
// is Prometheus.
func (r *opensloResolver) query(rep *reporter, dec *strictDecoder, h *opensloMetricHolder, parent *yaml.Node) (string, bool) {
	ms := &h.MetricSource
	n := orParent(dec.node(ms), parent)
	typ := ms.Type
	if ms.MetricSourceRef != "" {
		ds := r.set.lookup(opensloDataSource, ms.MetricSourceRef)
		if ds == nil {
			rep.at(dec.node(&ms.MetricSourceRef), "metricSourceRef %q names no DataSource", ms.MetricSourceRef)
			return "", false
		}
		if typ == "" {
			typ = ds.value.(*opensloDataSourceDoc).Spec.Type
		}
	}
	switch {
	case typ == "":
		rep.at(n, "metricSource needs type: Prometheus (or a metricSourceRef to a Prometheus DataSource)")
		return "", false
	case !strings.EqualFold(typ, "prometheus"):
		rep.at(orParent(dec.node(&ms.Type), n), "metric source type %q is not supported: burnwatch reads Prometheus (type: Prometheus)", typ)
		return "", false
	}
	q, _ := ms.Spec["query"].(string)
	if strings.TrimSpace(q) == "" {
		rep.at(orParent(dec.node(&ms.Spec), n), "metricSource spec needs query, a PromQL expression")
		return "", false
	}
	return q, true
}

// counterTemplate makes an events template of a ratio metric's query: as
// written when it holds {{.window}}, else the increase of the counter it
// selects.
func counterTemplate(q string, counter bool) (string, error) {
	if strings.Contains(q, "{{") {
		return q, nil
	}
	if !counter {
		return "", fmt.Errorf("%q has no {{.window}} and is not a counter (counter: true): burnwatch counts events over windows", q)
	}
	sel, ok := counterSelector(q)
	if !ok {
		return "", fmt.Errorf("%q: a counter query without {{.window}} must be a series selector, summed or not; write other queries with {{.window}}", q)
	}
	return fmt.Sprintf("sum(increase(%s[{{.window}}]))", sel), nil
}

// counterSelector returns the selector of `m{...}` or `sum(m{...})`.
func counterSelector(q string) (string, bool) {
	expr, err := promqlParser.ParseExpr(q)
	if err != nil {
		return "", false
	}
	expr = unwrapParens(expr)
	if agg, ok := expr.(*parser.AggregateExpr); ok && agg.Op == parser.SUM {
		expr = unwrapParens(agg.Expr)
	}
	if vs, ok := expr.(*parser.VectorSelector); ok {
		return vs.String(), true
	}
	return "", false
}

// counterErrorsSLI reads good or bad over total as an errors SLI, which the
// planner merges with other SLOs on the counter, when both select one
// counter and the numerator only adds matchers: any number for bad, one
// (which it negates) for good.
func (r *opensloResolver) counterErrorsSLI(m *opensloRatioMetric, counter bool) (SLI, bool) {
	num := m.Bad
	if num == nil {
		num = m.Good
	}
	if !counter || num == nil || m.Total == nil {
		return SLI{}, false
	}
	q := func(h *opensloMetricHolder) (string, []*labels.Matcher, bool) {
		ms := &h.MetricSource
		typ := ms.Type
		if ds := r.set.lookup(opensloDataSource, ms.MetricSourceRef); typ == "" && ds != nil {
			typ = ds.value.(*opensloDataSourceDoc).Spec.Type
		}
		text, _ := ms.Spec["query"].(string)
		if strings.Contains(text, "{{") || !strings.EqualFold(typ, "prometheus") {
			return "", nil, false
		}
		sel, ok := counterSelector(text)
		if !ok {
			return "", nil, false
		}
		name, matchers, err := parseSelector(sel)
		return name, matchers, err == nil
	}
	totalName, totalMatchers, ok1 := q(m.Total)
	numName, numMatchers, ok2 := q(num)
	if !ok1 || !ok2 || totalName != numName {
		return SLI{}, false
	}
	extra, ok := extraMatchers(numMatchers, totalMatchers)
	if !ok || len(extra) == 0 {
		return SLI{}, false
	}
	if m.Good != nil {
		if len(extra) != 1 {
			return SLI{}, false
		}
		neg := map[labels.MatchType]labels.MatchType{labels.MatchEqual: labels.MatchNotEqual, labels.MatchNotEqual: labels.MatchEqual, labels.MatchRegexp: labels.MatchNotRegexp, labels.MatchNotRegexp: labels.MatchRegexp}
		extra = []*labels.Matcher{labels.MustNewMatcher(neg[extra[0].Type], extra[0].Name, extra[0].Value)}
	}
	return SLI{Kind: SLIErrors, Dialect: detectCallsDialect(totalName), Metric: totalName, Matchers: totalMatchers, ErrorMatcher: ErrorMatcher{extra}}, true
}

// gaugeRatioTemplate averages a stored ratio over the window.
func gaugeRatioTemplate(q string) string {
	if strings.Contains(q, "{{") {
		return q
	}
	if expr, err := promqlParser.ParseExpr(q); err == nil {
		if vs, ok := unwrapParens(expr).(*parser.VectorSelector); ok {
			return fmt.Sprintf("avg(avg_over_time(%s[{{.window}}]))", vs)
		}
	}
	return fmt.Sprintf("avg(avg_over_time((%s)[{{.window}}:1m]))", q)
}

// thresholdSLI counts a threshold metric's one-minute samples: each one
// that breaks the objective is a bad occurrence.
func thresholdSLI(rep *reporter, dec *strictDecoder, o *opensloObjective, q string) SLI {
	n := dec.node(o)
	breaks := map[string]string{"lt": ">=", "lte": ">", "gt": "<=", "gte": "<"}[o.Op]
	switch {
	case o.Op == "":
		rep.at(n, "an objective of a thresholdMetric needs op (lt, lte, gt or gte)")
		return SLI{}
	case breaks == "":
		rep.at(dec.node(&o.Op), "op %q is none of lt, lte, gt and gte", o.Op)
		return SLI{}
	case o.Value == nil:
		rep.at(n, "an objective of a thresholdMetric needs value")
		return SLI{}
	}
	value := strconv.FormatFloat(*o.Value, 'g', -1, 64)
	total := fmt.Sprintf("sum(count_over_time((%s)[{{.window}}:1m]))", q)
	bad := fmt.Sprintf("sum(sum_over_time(((%s) %s bool %s)[{{.window}}:1m]))", q, breaks, value)
	return eventsSLI(fileContext{rep: rep}, "", bad, total, n, nil, n, n)
}

// unwrapParens strips the parentheses around an expression.
func unwrapParens(e parser.Expr) parser.Expr {
	for {
		p, ok := e.(*parser.ParenExpr)
		if !ok {
			return e
		}
		e = p.Expr
	}
}
