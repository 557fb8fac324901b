package alerting

import "github.com/burnwatch/burnwatch/slo"

// ExemplarSelectors returns the series selectors whose exemplars can point
// at bad events of an SLO, the ones an incident's trace lookup asks for:
// a dashboard that charts the exemplars of a time range asks for the same.
func ExemplarSelectors(s *slo.SLO) []string { return exemplarSelectors(s) }

// BadTrace turns an exemplar of a series into a trace link if it shows a
// bad event of the SLO, by the rule incidents use: a latency above the
// threshold on a series that is not an error series, or any exemplar of a
// failed-call series for an errors SLI.
func BadTrace(s *slo.SLO, series map[string]string, e Exemplar) (TraceLink, bool) {
	return badTrace(s, series, e)
}
