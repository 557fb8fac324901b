package slo

import (
	slothk8sv1 "github.com/slok/sloth/pkg/kubernetes/api/sloth/v1"
	prometheusv1 "github.com/slok/sloth/pkg/prometheus/api/v1"
	"gopkg.in/yaml.v3"
)

// The apiVersion and kind of Sloth's Kubernetes custom resource.
const (
	SlothK8sAPIVersion = "sloth.slok.dev/v1"
	SlothK8sKind       = "PrometheusServiceLevel"
)

// slothK8sSLOs converts a Sloth PrometheusServiceLevel, decoded into
// Sloth's own Kubernetes types, into SLOs: its spec is the prometheus/v1
// spec in camelCase, so it is carried over to Sloth's prometheus/v1 types,
// with the YAML node of every value, and read as a prometheus/v1 document.
func slothK8sSLOs(fc fileContext, root *yaml.Node) []*SLO {
	var psl slothk8sv1.PrometheusServiceLevel
	fc.dec.decode(root, reflectValue(&psl))
	if fc.dec.exhausted() {
		return nil
	}
	spec := slothSpecFromK8s(fc.dec, &psl.Spec)
	specNode := orParent(fc.dec.node(&psl.Spec), root)
	fc.dec.nodes[spec] = specNode
	slos := slothSpecSLOs(fc, spec, specNode)
	for _, s := range slos {
		s.Source.Format = SlothK8sAPIVersion
	}
	return slos
}

// slothSpecFromK8s copies a Kubernetes spec into a prometheus/v1 spec and
// points the copy's values at the original's YAML nodes.
func slothSpecFromK8s(dec *strictDecoder, k *slothk8sv1.PrometheusServiceLevelSpec) *prometheusv1.Spec {
	alias := func(dst, src any) {
		if n := dec.node(src); n != nil {
			dec.nodes[dst] = n
		}
	}
	out := &prometheusv1.Spec{Version: prometheusv1.Version, Service: k.Service, Labels: k.Labels}
	alias(&out.Service, &k.Service)
	alias(&out.Labels, &k.Labels)
	if k.SLOPlugins != nil {
		out.SLOPlugins = prometheusv1.SLOPlugins{OverridePrevious: k.SLOPlugins.OverridePrevious}
		for _, p := range k.SLOPlugins.Chain {
			out.SLOPlugins.Chain = append(out.SLOPlugins.Chain, prometheusv1.SLOPlugin{ID: p.ID, Config: p.Config, Priority: p.Priority})
		}
		alias(&out.SLOPlugins, k.SLOPlugins)
	}
	out.SLOs = make([]prometheusv1.SLO, len(k.SLOs))
	for i := range k.SLOs {
		ks, s := &k.SLOs[i], &out.SLOs[i]
		*s = prometheusv1.SLO{Name: ks.Name, Description: ks.Description, Objective: ks.Objective, Labels: ks.Labels}
		alias(s, ks)
		alias(&s.Name, &ks.Name)
		alias(&s.Objective, &ks.Objective)
		alias(&s.Labels, &ks.Labels)
		if ks.Plugins != nil {
			for _, p := range ks.Plugins.Chain {
				s.Plugins.Chain = append(s.Plugins.Chain, prometheusv1.SLOPlugin{ID: p.ID, Config: p.Config, Priority: p.Priority})
			}
			alias(&s.Plugins, ks.Plugins)
		}
		alias(&s.SLI, &ks.SLI)
		if e := ks.SLI.Events; e != nil {
			s.SLI.Events = &prometheusv1.SLIEvents{ErrorQuery: e.ErrorQuery, TotalQuery: e.TotalQuery}
			alias(s.SLI.Events, e)
			alias(&s.SLI.Events.ErrorQuery, &e.ErrorQuery)
			alias(&s.SLI.Events.TotalQuery, &e.TotalQuery)
		}
		if r := ks.SLI.Raw; r != nil {
			s.SLI.Raw = &prometheusv1.SLIRaw{ErrorRatioQuery: r.ErrorRatioQuery}
			alias(s.SLI.Raw, r)
			alias(&s.SLI.Raw.ErrorRatioQuery, &r.ErrorRatioQuery)
		}
		if p := ks.SLI.Plugin; p != nil {
			s.SLI.Plugin = &prometheusv1.SLIPlugin{ID: p.ID, Options: p.Options}
			alias(s.SLI.Plugin, p)
		}
		a := &ks.Alerting
		s.Alerting = prometheusv1.Alerting{
			Name: a.Name, Labels: a.Labels, Annotations: a.Annotations,
			PageAlert:   prometheusv1.Alert{Disable: a.PageAlert.Disable, Labels: a.PageAlert.Labels, Annotations: a.PageAlert.Annotations},
			TicketAlert: prometheusv1.Alert{Disable: a.TicketAlert.Disable, Labels: a.TicketAlert.Labels, Annotations: a.TicketAlert.Annotations},
		}
		alias(&s.Alerting.Labels, &a.Labels)
	}
	return out
}
