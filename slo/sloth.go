package slo

import (
	"time"

	prometheusv1 "github.com/slok/sloth/pkg/prometheus/api/v1"
	"gopkg.in/yaml.v3"
)

// slothSLOs converts a Sloth prometheus/v1 document, decoded into Sloth's own
// spec types, into SLOs. Sloth specs have a rolling period of 30 days (the
// default of Sloth itself) and no team; the service plays both parts.
func slothSLOs(fc fileContext, root *yaml.Node) []*SLO {
	var spec prometheusv1.Spec
	fc.dec.decode(root, reflectValue(&spec))
	if fc.dec.exhausted() {
		return nil
	}
	return slothSpecSLOs(fc, &spec, root)
}

// slothSpecSLOs converts a decoded prometheus/v1 spec; root is its node.
func slothSpecSLOs(fc fileContext, spec *prometheusv1.Spec, root *yaml.Node) []*SLO {
	rep, dec := fc.rep, fc.dec
	if len(spec.SLOs) == 0 && len(rep.diags) == 0 {
		rep.at(root, "no slos in this document")
	}
	checkName(rep, dec.node(&spec.Service), root, "service", spec.Service)
	checkLabels(rep, dec.node(&spec.Labels), spec.Labels)
	if len(spec.SLOPlugins.Chain) > 0 {
		rep.at(dec.node(&spec.SLOPlugins), "Sloth SLO plugins are not supported: burnwatch evaluates SLOs itself and cannot run them")
	}
	var out []*SLO
	for i := range spec.SLOs {
		if s := fc.slothSLO(spec, &spec.SLOs[i]); s != nil {
			out = append(out, s)
		}
	}
	return out
}

func (fc fileContext) slothSLO(spec *prometheusv1.Spec, s *prometheusv1.SLO) *SLO {
	rep, dec := fc.rep, fc.dec
	n := dec.node(s)
	checkName(rep, dec.node(&s.Name), n, "name", s.Name)
	objective := &s.Objective
	if dec.node(&s.Objective) == nil {
		objective = nil
	}
	checkObjective(rep, dec.node(&s.Objective), n, objective)
	checkLabels(rep, dec.node(&s.Labels), s.Labels)
	if len(s.Plugins.Chain) > 0 {
		rep.at(dec.node(&s.Plugins), "Sloth SLO plugins are not supported: burnwatch evaluates SLOs itself and cannot run them")
	}
	out := &SLO{
		ID:          spec.Service + "/" + s.Name,
		Name:        s.Name,
		Service:     spec.Service,
		Team:        spec.Service,
		Description: s.Description,
		Objective:   roundSignificant(s.Objective / 100),
		Period:      Period{Rolling: DefaultPeriod, Location: time.UTC},
		Labels:      mergeLabels(spec.Labels, s.Labels),
		Source:      Source{Path: rep.path, Line: n.Line, Column: n.Column, Format: prometheusv1.Version},
		Traces:      Traces{TraceIDLabels: DefaultTraceIDLabels},
	}
	out.SLI = fc.slothSLI(&s.SLI, dec.node(&s.SLI), n)
	a := &s.Alerting
	out.Alerting = Alerting{
		Name:        a.Name,
		Page:        Tier{Disabled: a.PageAlert.Disable, Labels: a.PageAlert.Labels, Annotations: a.PageAlert.Annotations},
		Ticket:      Tier{Disabled: a.TicketAlert.Disable, Labels: a.TicketAlert.Labels, Annotations: a.TicketAlert.Annotations},
		Labels:      a.Labels,
		Annotations: a.Annotations,
		RunbookURL:  a.Annotations["runbook"],
	}
	if out.Alerting.Name == "" {
		out.Alerting.Name = defaultAlertName(out.Service, out.Name)
	}
	checkLabels(rep, dec.node(&a.Labels), a.Labels)
	if rep.within(n) {
		return nil
	}
	return out
}

func (fc fileContext) slothSLI(s *prometheusv1.SLI, n, parent *yaml.Node) SLI {
	rep, dec := fc.rep, fc.dec
	switch {
	case n == nil:
		rep.at(parent, "missing required field %q", "sli")
	case s.Plugin != nil:
		rep.at(dec.node(s.Plugin), "plugin SLIs are not supported (plugin %q): write the SLI as events or raw", s.Plugin.ID)
	case s.Events != nil && s.Raw != nil:
		rep.at(n, "sli sets both events and raw; set one")
	case s.Events != nil:
		e := s.Events
		return eventsSLI(fc, "", e.ErrorQuery, e.TotalQuery, dec.node(e), nil, dec.node(&e.ErrorQuery), dec.node(&e.TotalQuery))
	case s.Raw != nil:
		return rawSLI(fc, s.Raw.ErrorRatioQuery, dec.node(s.Raw), dec.node(&s.Raw.ErrorRatioQuery))
	default:
		rep.at(n, "sli needs events or raw")
	}
	return SLI{}
}
