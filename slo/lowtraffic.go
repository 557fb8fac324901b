package slo

import (
	"math"

	"gopkg.in/yaml.v3"
)

// lowTrafficConfidence validates the spec's low_traffic_confidence and
// returns the effective value: the spec's, or the default for the SLI's
// kind. Only latency and errors SLIs count events with queries burnwatch
// writes itself; an events SLI's queries might return rates rather than
// counts, so the guard is off unless its spec turns it on, and a raw SLI
// has no event counts at all.
func lowTrafficConfidence(rep *reporter, n *yaml.Node, v *float64, kind SLIKind) float64 {
	if v == nil {
		if kind == SLILatency || kind == SLIErrors {
			return DefaultLowTrafficConfidence
		}
		return 0
	}
	switch c := *v; {
	case math.IsNaN(c) || c < 0 || c >= 1:
		rep.at(n, "low_traffic_confidence %v is not in [0, 1)", c)
	case kind == SLIRaw && c > 0:
		rep.at(n, "low_traffic_confidence needs event counts; a raw SLI has none")
	default:
		return c
	}
	return 0
}
