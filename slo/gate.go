package slo

import (
	"math"
	"strconv"
	"strings"
)

// Gate is an SLO's deploy-gate policy: whether a deploy of its service may
// go ahead now. The dashboard answers it at /api/v1/gate.
type Gate struct {
	// MinBudgetRemaining is the share of the error budget (0 to 1) that
	// must be left for a deploy; 0 asks nothing.
	MinBudgetRemaining float64
	// DenyWhilePaging denies a deploy while the SLO pages.
	DenyWhilePaging bool
	// Source is where the policy was declared: the SLO, or its file.
	Source Source
}

type gateSpec struct {
	// MinBudgetRemaining is a percentage, "10%" or 10.
	MinBudgetRemaining string `yaml:"min_budget_remaining"`
	DenyWhilePaging    bool   `yaml:"deny_while_paging"`
}

// gate validates a gate policy; nil when there is none or it has errors,
// which are reported.
func (fc fileContext) gate(gs *gateSpec) *Gate {
	if gs == nil {
		return nil
	}
	n := fc.dec.node(gs)
	out := &Gate{DenyWhilePaging: gs.DenyWhilePaging, Source: Source{Path: fc.rep.path, Line: n.Line, Column: n.Column, Format: NativeVersion}}
	if gs.MinBudgetRemaining != "" {
		pct, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(gs.MinBudgetRemaining), "%")), 64)
		if err != nil || math.IsNaN(pct) || pct < 0 || pct > 100 {
			fc.rep.at(fc.dec.node(&gs.MinBudgetRemaining), "min_budget_remaining %q is not a percentage in [0, 100] like 10%%", gs.MinBudgetRemaining)
			return nil
		}
		out.MinBudgetRemaining = roundSignificant(pct / 100)
	}
	return out
}
