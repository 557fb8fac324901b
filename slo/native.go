package slo

import (
	"math"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// fileContext is what converting one document needs to know about its
// surroundings: where it came from, and the window sets found beside it.
type fileContext struct {
	rep *reporter
	dec *strictDecoder
	// loadWindows reads a Sloth AlertWindows file named by a spec, relative
	// to the spec file.
	loadWindows func(name string) (time.Duration, []Window, error)
	// sloth is set while reading a Sloth prometheus/v1 document.
	sloth bool
}

// nativeSLOs converts a burnwatch/v1 document into SLOs.
func nativeSLOs(fc fileContext, root *yaml.Node) []*SLO {
	var spec fileSpec
	fc.dec.decode(root, reflectValue(&spec))
	rep, dec := fc.rep, fc.dec
	if dec.exhausted() {
		return nil
	}
	if len(spec.SLOs) == 0 && len(rep.diags) == 0 {
		rep.at(root, "no slos in this document")
	}
	if spec.Team != "" && !namePattern.MatchString(spec.Team) {
		rep.at(dec.node(&spec.Team), "team %q must start with a letter or digit and hold only letters, digits, '.', '_' and '-'", spec.Team)
	}
	checkLabels(rep, dec.node(&spec.Labels), spec.Labels)
	fileTraces := fc.traceLink(spec.Traces)
	corrections := &fileCorrections{list: fc.corrections(spec.Corrections, true), reported: map[[2]*yaml.Node]bool{}}
	fileGate := fc.gate(spec.Gate)
	var out []*SLO
	for i := range spec.SLOs {
		if s := fc.nativeSLO(&spec, &spec.SLOs[i], fileTraces, corrections); s != nil {
			if s.Gate == nil {
				s.Gate = fileGate
			}
			out = append(out, s)
		}
	}
	return out
}

// nativeSLO converts and validates one SLO of a native file; it returns nil
// when the SLO has errors, which are reported.
func (fc fileContext) nativeSLO(file *fileSpec, s *sloSpec, fileTraces tracesConfig, corrections *fileCorrections) *SLO {
	rep, dec := fc.rep, fc.dec
	n := dec.node(s)
	checkName(rep, dec.node(&s.Name), n, "name", s.Name)
	checkName(rep, dec.node(&s.Service), n, "service", s.Service)
	checkObjective(rep, dec.node(&s.Objective), n, s.Objective)
	checkLabels(rep, dec.node(&s.Labels), s.Labels)

	out := &SLO{
		ID:          s.Service + "/" + s.Name,
		Name:        s.Name,
		Service:     s.Service,
		Team:        file.Team,
		Description: s.Description,
		Labels:      mergeLabels(file.Labels, s.Labels),
		Owners:      Owners{SlackChannel: file.Owners.SlackChannel, PagerDutyService: file.Owners.PagerDutyService},
		Source:      Source{Path: rep.path, Line: n.Line, Column: n.Column, Format: NativeVersion},
	}
	if s.Objective != nil {
		out.Objective = roundSignificant(*s.Objective / 100)
	}
	out.Period = fc.period(s)
	out.SLI = fc.nativeSLI(&s.SLI, dec.node(&s.SLI), n)
	out.Alerting = fc.alerting(&s.Alerting, out)
	traces := fileTraces
	if s.Traces != nil {
		traces = fc.traceLink(s.Traces)
	}
	out.Traces = traces.resolve(out.SLI.Dialect)
	out.GroupBy, out.MaxGroups = groupSpec(rep, dec, s, n)
	fc.applyCorrections(corrections, s.Corrections, out)
	out.Gate = fc.gate(s.Gate)
	if rep.within(n) {
		return nil
	}
	return out
}

func (fc fileContext) period(s *sloSpec) Period {
	rep, dec := fc.rep, fc.dec
	p := Period{Rolling: DefaultPeriod, Location: time.UTC}
	switch s.Period {
	case "":
	case string(Month), string(Week):
		p = Period{Calendar: Calendar(s.Period), Location: time.UTC}
	default:
		d, err := parseDuration(s.Period)
		if err != nil || d <= 0 {
			rep.at(dec.node(&s.Period), "period %q is neither a duration like 30d nor month or week", s.Period)
			return p
		}
		p.Rolling = d
	}
	if s.TimeZone != "" {
		if p.Calendar == "" {
			rep.at(dec.node(&s.TimeZone), "time_zone only applies to a calendar period (month or week)")
			return p
		}
		loc, err := time.LoadLocation(s.TimeZone)
		if err != nil {
			rep.at(dec.node(&s.TimeZone), "unknown time zone %q", s.TimeZone)
			return p
		}
		p.Location = loc
	}
	return p
}

// nativeSLI converts the one SLI a native SLO must have.
func (fc fileContext) nativeSLI(s *sliSpec, n, parent *yaml.Node) SLI {
	rep := fc.rep
	set := 0
	for _, isSet := range []bool{s.Latency != nil, s.Errors != nil, s.Events != nil, s.Raw != nil} {
		if isSet {
			set++
		}
	}
	switch {
	case n == nil:
		rep.at(parent, "missing required field %q", "sli")
		return SLI{}
	case set == 0:
		rep.at(n, "sli needs one of latency, errors, events or raw")
		return SLI{}
	case set > 1:
		rep.at(n, "sli sets %d kinds; set exactly one of latency, errors, events or raw", set)
		return SLI{}
	case s.Latency != nil:
		return fc.latencySLI(s.Latency)
	case s.Errors != nil:
		return fc.errorsSLI(s.Errors)
	case s.Events != nil:
		return eventsSLI(fc, s.Events.GoodQuery, s.Events.ErrorQuery, s.Events.TotalQuery, fc.dec.node(s.Events),
			fc.dec.node(&s.Events.GoodQuery), fc.dec.node(&s.Events.ErrorQuery), fc.dec.node(&s.Events.TotalQuery))
	default:
		return rawSLI(fc, s.Raw.ErrorRatioQuery, fc.dec.node(s.Raw), fc.dec.node(&s.Raw.ErrorRatioQuery))
	}
}

func (fc fileContext) latencySLI(l *latencySpec) SLI {
	rep, dec := fc.rep, fc.dec
	n := dec.node(l)
	out := SLI{Kind: SLILatency}
	if l.Metric == "" {
		rep.at(n, "missing required field %q", "metric")
		return out
	}
	metricNode := dec.node(&l.Metric)
	name, matchers, err := parseSelector(l.Metric)
	if err != nil {
		rep.at(metricNode, "metric: %v", err)
		return out
	}
	base := strings.TrimSuffix(name, "_bucket")
	if l.Native && base != name {
		rep.at(metricNode, "metric %q is a classic histogram's bucket series; a native histogram has none: write %q", name, base)
		return out
	}
	for _, suffix := range []string{"_count", "_sum", "_total", "_created"} {
		if strings.HasSuffix(name, suffix) {
			rep.at(metricNode, "metric %q is not a histogram: a latency SLI needs the histogram's name or its _bucket series", name)
			return out
		}
	}
	dialect, unit := detectHistogramDialect(base)
	if l.Dialect != "" {
		info, ok := Dialect(l.Dialect).Info()
		switch {
		case Dialect(l.Dialect) == DialectGeneric:
			dialect = DialectGeneric
		case !ok:
			rep.at(dec.node(&l.Dialect), "unknown dialect %q (want otel, otel-seconds, otel-legacy, tempo or generic)", l.Dialect)
			return out
		case dialect != DialectGeneric && dialect != Dialect(l.Dialect):
			rep.at(dec.node(&l.Dialect), "metric %q belongs to dialect %s, not %s", name, dialect, l.Dialect)
			return out
		default:
			dialect, unit = Dialect(l.Dialect), info.Unit
		}
	}
	switch l.Unit {
	case "":
	case "ms":
		unit = time.Millisecond
	case "s":
		unit = time.Second
	default:
		rep.at(dec.node(&l.Unit), "unit %q is neither ms nor s", l.Unit)
		return out
	}
	if unit == 0 {
		rep.at(metricNode, "the unit of histogram %q is unknown: set unit: ms or unit: s", base)
		return out
	}
	threshold, err := parseThreshold(l.Threshold)
	switch {
	case l.Threshold == "":
		rep.at(n, "missing required field %q", "threshold")
		return out
	case err != nil:
		rep.at(dec.node(&l.Threshold), "threshold: %v", err)
		return out
	case threshold <= 0:
		rep.at(dec.node(&l.Threshold), "threshold %s is not positive", l.Threshold)
		return out
	}
	out.Dialect = dialect
	out.Metric = base + "_bucket"
	if l.Native {
		out.Metric, out.Native = base, true
	}
	out.Matchers = matchers
	out.Threshold = threshold
	out.Bucket = float64(threshold) / float64(unit)
	return out
}

func (fc fileContext) errorsSLI(e *errorsSpec) SLI {
	rep, dec := fc.rep, fc.dec
	n := dec.node(e)
	out := SLI{Kind: SLIErrors}
	if e.Metric == "" {
		rep.at(n, "missing required field %q", "metric")
		return out
	}
	name, matchers, err := parseSelector(e.Metric)
	if err != nil {
		rep.at(dec.node(&e.Metric), "metric: %v", err)
		return out
	}
	if strings.HasSuffix(name, "_bucket") {
		rep.at(dec.node(&e.Metric), "metric %q is a histogram bucket; an errors SLI needs a calls counter", name)
		return out
	}
	out.Dialect = detectCallsDialect(name)
	if e.Dialect != "" {
		if _, ok := Dialect(e.Dialect).Info(); !ok && Dialect(e.Dialect) != DialectGeneric {
			rep.at(dec.node(&e.Dialect), "unknown dialect %q (want otel, otel-seconds, otel-legacy, tempo or generic)", e.Dialect)
			return out
		}
		out.Dialect = Dialect(e.Dialect)
	}
	errMatcher := DefaultErrorMatcher()
	if e.ErrorMatcher != "" {
		alt, err := parseMatchers(e.ErrorMatcher)
		if err != nil {
			rep.at(orParent(dec.node(&e.ErrorMatcher), n), "error_matcher: %v", err)
			return out
		}
		errMatcher = ErrorMatcher{alt}
	}
	out.Metric = name
	out.Matchers = matchers
	out.ErrorMatcher = errMatcher
	return out
}

// eventsSLI validates an events SLI: total plus exactly one of good or error.
func eventsSLI(fc fileContext, good, bad, total string, n, goodNode, badNode, totalNode *yaml.Node) SLI {
	rep := fc.rep
	out := SLI{Kind: SLIEvents, GoodQuery: good, ErrorQuery: bad, TotalQuery: total}
	switch {
	case good != "" && bad != "":
		rep.at(n, "events SLI sets both good_query and error_query; set one")
	case good == "" && bad == "" && goodNode == nil && fc.sloth:
		rep.at(n, "events SLI needs error_query and total_query")
	case good == "" && bad == "":
		rep.at(n, "events SLI needs error_query (or good_query) and total_query")
	case good != "":
		checkQueryField(rep, goodNode, "good_query", good)
	default:
		checkQueryField(rep, badNode, "error_query", bad)
	}
	if total == "" {
		rep.at(n, "missing required field %q", "total_query")
	} else {
		checkQueryField(rep, totalNode, "total_query", total)
	}
	return out
}

func rawSLI(fc fileContext, query string, n, queryNode *yaml.Node) SLI {
	if query == "" {
		fc.rep.at(n, "missing required field %q", "error_ratio_query")
	} else {
		checkQueryField(fc.rep, queryNode, "error_ratio_query", query)
	}
	return SLI{Kind: SLIRaw, ErrorRatioQuery: query}
}

func checkQueryField(rep *reporter, n *yaml.Node, field, query string) {
	if err := checkQueryTemplate(query, true); err != nil {
		rep.at(n, "%s %v", field, err)
	}
}

func (fc fileContext) alerting(a *alertingSpec, s *SLO) Alerting {
	rep, dec := fc.rep, fc.dec
	out := Alerting{
		Name:        a.Name,
		Page:        Tier{Disabled: a.Page.Disable, Labels: a.Page.Labels, Annotations: a.Page.Annotations},
		Ticket:      Tier{Disabled: a.Ticket.Disable, Labels: a.Ticket.Labels, Annotations: a.Ticket.Annotations},
		Labels:      a.Labels,
		Annotations: a.Annotations,
		RunbookURL:  a.RunbookURL,
	}
	if out.Name == "" {
		out.Name = defaultAlertName(s.Service, s.Name)
	}
	checkLabels(rep, dec.node(&a.Labels), a.Labels)
	checkLabels(rep, dec.node(&a.Page.Labels), a.Page.Labels)
	checkLabels(rep, dec.node(&a.Ticket.Labels), a.Ticket.Labels)
	if a.MinValidEvents != nil {
		if v := *a.MinValidEvents; math.IsNaN(v) || v < 0 {
			rep.at(dec.node(&a.MinValidEvents), "min_valid_events %v is negative", v)
		} else {
			out.MinValidEvents = v
		}
	}
	out.LowTrafficConfidence = lowTrafficConfidence(rep, dec.node(&a.LowTrafficConfidence), a.LowTrafficConfidence, s.SLI.Kind)
	period := s.Period.Nominal()
	out.Exhaustion = fc.exhaustion(a.Exhaustion, period)
	out.BudgetSpent = fc.budgetSpent(a.BudgetSpent)
	switch {
	case len(a.Windows) > 0 && a.WindowsFile != "":
		rep.at(dec.node(&a.WindowsFile), "set windows or windows_file, not both")
	case len(a.Windows) > 0:
		out.Windows = nativeWindows(rep, dec, a.Windows, period)
	case a.WindowsFile != "":
		filePeriod, ws, err := fc.loadWindows(a.WindowsFile)
		switch {
		case err != nil:
			rep.at(dec.node(&a.WindowsFile), "windows_file: %v", err)
		case filePeriod != period:
			rep.at(dec.node(&a.WindowsFile), "windows_file %s is for a %s period, not %s", a.WindowsFile, fmtDuration(filePeriod), fmtDuration(period))
		default:
			out.Windows = ws
		}
	}
	return out
}

// tracesConfig is a validated traces section, before the SLI's dialect
// decides the default trace-id label.
type tracesConfig struct {
	traceIDLabel string
	link         *LinkTemplate
}

func (fc fileContext) traceLink(t *tracesSpec) tracesConfig {
	rep, dec := fc.rep, fc.dec
	if t == nil {
		return tracesConfig{}
	}
	out := tracesConfig{traceIDLabel: t.TraceIDLabel}
	if t.Link == "" {
		if t.URL != "" {
			rep.at(dec.node(&t.URL), "url is set but link is not: set link to jaeger, tempo, zipkin, honeycomb or a template")
		}
		return out
	}
	lt, err := NewLinkTemplate(t.Link, t.URL, t.Datasource)
	if err != nil {
		rep.at(dec.node(&t.Link), "%v", err)
		return out
	}
	out.link = lt
	return out
}

// resolve picks the trace-id labels: the spec's, else the dialect's, else
// both common spellings.
func (tc tracesConfig) resolve(dialect Dialect) Traces {
	out := Traces{TraceIDLabels: DefaultTraceIDLabels, Link: tc.link}
	if info, ok := dialect.Info(); ok {
		out.TraceIDLabels = info.TraceIDLabels
	}
	if tc.traceIDLabel != "" && tc.traceIDLabel != "auto" {
		out.TraceIDLabels = []string{tc.traceIDLabel}
	}
	return out
}

// defaultAlertName turns "checkout" and "requests-latency" into
// "CheckoutRequestsLatency".
func defaultAlertName(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		for _, word := range strings.FieldsFunc(p, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}

func fmtDuration(d time.Duration) string {
	return model.Duration(d).String()
}
