package slo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"gopkg.in/yaml.v3"
)

// OpenSLO objects refer to each other by name across documents and files
// (an SLO's indicatorRef, a policy's conditionRef), so they are gathered
// while the files are read and turned into SLOs once every file is in.
// Each SLO object and objective becomes one SLO:
//
//   - ratioMetric good/bad/total with a Prometheus source becomes an events
//     SLI; a query without {{.window}} that selects a counter (counter: true)
//     is read as its increase over each window;
//   - ratioMetric raw becomes a raw SLI, the stored ratio averaged over the
//     window;
//   - thresholdMetric becomes an events SLI over one-minute samples of the
//     query: each sample that breaks the objective's op and value is a bad
//     occurrence;
//   - each alert policy's burn-rate condition becomes an alert window:
//     lookbackWindow is the long window, alertAfter the short one (a
//     twelfth of the long one when not given), threshold the factor.
//
// Timeslices and RatioTimeslices budgeting, composite SLOs and sources
// other than Prometheus are reported as not supported.

// opensloObject is one decoded OpenSLO document.
type opensloObject struct {
	path  string
	dec   *strictDecoder
	node  *yaml.Node
	value any
}

// opensloSet gathers the OpenSLO objects of every file read.
type opensloSet struct {
	byKind map[string]map[string]*opensloObject
	slos   []*opensloObject
}

// add decodes one OpenSLO document and keeps it for resolve.
func (set *opensloSet) add(fc fileContext, doc *yaml.Node, kind string) {
	var v any
	var meta *opensloMetadata
	switch kind {
	case opensloSLO:
		d := &opensloSLODoc{}
		v, meta = d, &d.Header.Metadata
	case opensloSLI:
		d := &opensloSLIDoc{}
		v, meta = d, &d.Header.Metadata
	case opensloAlertPolicy:
		d := &opensloPolicyDoc{}
		v, meta = d, &d.Header.Metadata
	case opensloAlertCondition:
		d := &opensloConditionDoc{}
		v, meta = d, &d.Header.Metadata
	case opensloTarget:
		d := &opensloTargetDoc{}
		v, meta = d, &d.Header.Metadata
	case opensloDataSource:
		d := &opensloDataSourceDoc{}
		v, meta = d, &d.Header.Metadata
	case opensloService:
		d := &opensloServiceDoc{}
		v, meta = d, &d.Header.Metadata
	default:
		fc.rep.at(keyNode(doc, "kind"), "unsupported OpenSLO kind %q: burnwatch reads SLO, SLI, AlertPolicy, AlertCondition, AlertNotificationTarget, DataSource and Service", kind)
		return
	}
	before := len(fc.rep.diags)
	fc.dec.decode(doc, reflectValue(v))
	if fc.dec.exhausted() || len(fc.rep.diags) > before {
		return
	}
	if meta.Name == "" {
		fc.rep.at(doc, "missing required field %q", "metadata.name")
		return
	}
	if set.byKind == nil {
		set.byKind = map[string]map[string]*opensloObject{}
	}
	if set.byKind[kind] == nil {
		set.byKind[kind] = map[string]*opensloObject{}
	}
	obj := &opensloObject{path: fc.rep.path, dec: fc.dec, node: doc, value: v}
	if first, ok := set.byKind[kind][meta.Name]; ok {
		fc.rep.at(fc.dec.node(&meta.Name), "OpenSLO %s %q is declared twice, first at %s:%d:%d", kind, meta.Name, first.path, first.node.Line, first.node.Column)
		return
	}
	set.byKind[kind][meta.Name] = obj
	if kind == opensloSLO {
		set.slos = append(set.slos, obj)
	}
}

// lookup returns the object of a kind with a name, or nil.
func (set *opensloSet) lookup(kind, name string) *opensloObject {
	return set.byKind[kind][name]
}

// resolve turns the gathered SLO objects into SLOs; problems are appended
// to diags, once each.
func (set *opensloSet) resolve(diags *Diagnostics) []*SLO {
	var out []*SLO
	seen := map[Diagnostic]bool{}
	for _, obj := range set.slos {
		r := &opensloResolver{set: set}
		slos := r.slo(obj)
		for _, d := range r.diags {
			if !seen[d] {
				seen[d] = true
				*diags = append(*diags, d)
			}
		}
		if len(r.diags) == 0 {
			out = append(out, slos...)
		}
	}
	return out
}

// opensloResolver converts one SLO object; its problems may lie in the
// objects the SLO refers to, in other files.
type opensloResolver struct {
	set   *opensloSet
	diags Diagnostics
}

// reporter returns a reporter for an object's file, whose problems count
// against the SLO being resolved.
func (r *opensloResolver) reporter(path string) *reporter { return &reporter{path: path} }

func (r *opensloResolver) keep(rep *reporter) { r.diags = append(r.diags, rep.diags...) }

func (r *opensloResolver) slo(obj *opensloObject) []*SLO {
	doc := obj.value.(*opensloSLODoc)
	rep, dec := r.reporter(obj.path), obj.dec
	defer r.keep(rep)
	spec := &doc.Spec
	specNode := orParent(dec.node(spec), obj.node)
	checkName(rep, dec.node(&doc.Header.Metadata.Name), obj.node, "metadata.name", doc.Header.Metadata.Name)
	checkName(rep, dec.node(&spec.Service), specNode, "service", spec.Service)
	switch spec.BudgetingMethod {
	case "Occurrences":
	case "":
		rep.at(specNode, "missing required field %q", "budgetingMethod")
	case "Timeslices", "RatioTimeslices":
		rep.at(dec.node(&spec.BudgetingMethod), "budgetingMethod %s is not supported: burnwatch budgets by occurrences (good events over valid events); write budgetingMethod: Occurrences", spec.BudgetingMethod)
	default:
		rep.at(dec.node(&spec.BudgetingMethod), "unknown budgetingMethod %q: want Occurrences, Timeslices or RatioTimeslices", spec.BudgetingMethod)
	}
	period := opensloPeriod(rep, dec, spec.TimeWindow, dec.node(&spec.TimeWindow))
	ind := r.indicator(rep, dec, spec, specNode)
	if len(spec.Objectives) == 0 {
		rep.at(specNode, "missing required field %q", "objectives")
	}
	if ind.threshold != "" && len(spec.Objectives) > 1 {
		rep.at(dec.node(&spec.Objectives), "an SLO with a thresholdMetric has one objective, got %d", len(spec.Objectives))
	}
	alerting := r.alerting(rep, dec, spec.AlertPolicies, period.Nominal())
	var out []*SLO
	for i := range spec.Objectives {
		o := &spec.Objectives[i]
		on := dec.node(o)
		if o.Indicator != nil || o.IndicatorRef != "" {
			rep.at(on, "composite SLOs (an indicator per objective) are not supported")
			continue
		}
		objective, ok := opensloTargetPercent(rep, dec, o)
		if !ok {
			continue
		}
		name := doc.Header.Metadata.Name
		if len(spec.Objectives) > 1 {
			name = objectiveName(name, o.DisplayName, i)
		}
		s := &SLO{
			ID:          spec.Service + "/" + name,
			Name:        name,
			Service:     spec.Service,
			Team:        spec.Service,
			Description: spec.Description,
			Objective:   roundSignificant(objective / 100),
			Period:      period,
			Labels:      opensloLabels(doc.Header.Metadata.Labels),
			Source:      Source{Path: obj.path, Line: on.Line, Column: on.Column, Format: OpenSLOVersion},
			Traces:      Traces{TraceIDLabels: DefaultTraceIDLabels},
			SLI:         ind.ratio,
			Alerting:    alerting,
		}
		s.Alerting.Name = defaultAlertName(s.Service, s.Name)
		if ind.threshold != "" {
			s.SLI = thresholdSLI(rep, dec, o, ind.threshold)
		}
		s.Traces = tracesConfig{}.resolve(s.SLI.Dialect)
		out = append(out, s)
	}
	return out
}

// objectiveName names one of several objectives' SLOs: the SLO's name and
// the objective's display name, or its position.
func objectiveName(name, display string, i int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(display) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	if suffix := strings.TrimSuffix(b.String(), "-"); suffix != "" {
		return name + "-" + suffix
	}
	return fmt.Sprintf("%s-%d", name, i+1)
}

// opensloTargetPercent returns an objective's target in percent.
func opensloTargetPercent(rep *reporter, dec *strictDecoder, o *opensloObjective) (float64, bool) {
	n := dec.node(o)
	switch {
	case o.Target != nil && o.TargetPercent != nil:
		rep.at(n, "objective sets both target and targetPercent; set one")
	case o.Target != nil:
		if t := *o.Target; !(t > 0 && t < 1) {
			rep.at(dec.node(&o.Target), "target %v is not in (0, 1)", t)
			return 0, false
		}
		return roundSignificant(*o.Target * 100), true
	case o.TargetPercent != nil:
		before := len(rep.diags)
		checkObjective(rep, dec.node(&o.TargetPercent), n, o.TargetPercent)
		return *o.TargetPercent, len(rep.diags) == before
	default:
		rep.at(n, "objective needs target or targetPercent")
	}
	return 0, false
}

// opensloLabels turns OpenSLO metadata labels into Prometheus labels: a
// list value is joined with commas, and a name is made a valid label name.
func opensloLabels(in map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range in {
		switch v := v.(type) {
		case []any:
			parts := make([]string, len(v))
			for i, p := range v {
				parts[i] = fmt.Sprint(p)
			}
			out[labelNameFor(k)] = strings.Join(parts, ",")
		case nil:
			out[labelNameFor(k)] = ""
		default:
			out[labelNameFor(k)] = fmt.Sprint(v)
		}
	}
	return out
}

// labelNameFor makes a valid Prometheus label name of a Kubernetes-style
// key: characters other than letters, digits and '_' become '_'.
func labelNameFor(k string) string {
	b := []byte(k)
	for i, c := range b {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' && i > 0) {
			b[i] = '_'
		}
	}
	return string(b)
}

// opensloShorthand parses an OpenSLO duration shorthand: a whole number
// and one of m, h, d, w, M, Q, Y.
func opensloShorthand(s string) (n int, unit byte, err error) {
	if len(s) < 2 {
		return 0, 0, fmt.Errorf("%q is not a duration like 5m, 1h, 28d, 4w or 1M", s)
	}
	unit = s[len(s)-1]
	if _, err := fmt.Sscanf(s[:len(s)-1], "%d", &n); err != nil || n <= 0 || fmt.Sprint(n) != s[:len(s)-1] || !strings.ContainsRune("mhdwMQY", rune(unit)) {
		return 0, 0, fmt.Errorf("%q is not a duration like 5m, 1h, 28d, 4w or 1M", s)
	}
	return n, unit, nil
}

// opensloDuration parses a shorthand of fixed length (m, h, d or w).
func opensloDuration(s string) (time.Duration, error) {
	n, unit, err := opensloShorthand(s)
	if err != nil {
		return 0, err
	}
	per := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[unit]
	if per == 0 {
		return 0, fmt.Errorf("%q has no fixed length: write it in minutes, hours, days or weeks (30d, 4w)", s)
	}
	return time.Duration(n) * per, nil
}

// opensloPeriod converts an SLO's timeWindow; none means 30 days rolling.
func opensloPeriod(rep *reporter, dec *strictDecoder, tws []opensloTimeWindow, n *yaml.Node) Period {
	p := Period{Rolling: DefaultPeriod, Location: time.UTC}
	if len(tws) == 0 {
		return p
	}
	if len(tws) > 1 {
		rep.at(n, "timeWindow holds exactly one window, got %d", len(tws))
		return p
	}
	tw := &tws[0]
	wn := dec.node(tw)
	rolling := tw.Calendar == nil
	if tw.IsRolling != nil {
		rolling = *tw.IsRolling
	}
	dn := orParent(dec.node(&tw.Duration), wn)
	if rolling {
		if tw.Calendar != nil {
			rep.at(dec.node(tw.Calendar), "a rolling timeWindow (isRolling: true) has no calendar")
			return p
		}
		d, err := opensloDuration(tw.Duration)
		if err != nil {
			rep.at(dn, "timeWindow duration: %v", err)
			return p
		}
		p.Rolling = d
		return p
	}
	if tw.Calendar == nil {
		rep.at(wn, "a calendar timeWindow (isRolling: false) needs calendar")
		return p
	}
	switch tw.Duration {
	case "1M":
		p = Period{Calendar: Month, Location: time.UTC}
	case "1w":
		p = Period{Calendar: Week, Location: time.UTC}
	default:
		rep.at(dn, "calendar timeWindow duration %q is not supported: burnwatch has calendar months (1M) and weeks (1w)", tw.Duration)
		return p
	}
	if tz := tw.Calendar.TimeZone; tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			rep.at(dec.node(&tw.Calendar.TimeZone), "unknown time zone %q", tz)
			return p
		}
		p.Location = loc
	}
	return p
}

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
