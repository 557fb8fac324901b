package slo

import (
	"fmt"
	"strings"
	"time"

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
