// Package slotheval gets a real Prometheus to evaluate the rules Sloth
// generates, over history that is already in it.
//
// Prometheus evaluates rules only going forward, in wall time. Over a past
// range, Record does what `promtool tsdb create-blocks-from rules` does:
// it evaluates every recording rule as a range query at the rule group's
// evaluation instants and labels the answers as the rule would, here
// rendered as OpenMetrics text for a second Prometheus to backfill (promtool
// writes blocks, which a running Prometheus does not load until it
// restarts). Alerting rules are not backfilled by anything, so Alerts
// evaluates their expressions as range queries over the recorded series,
// at the same instants: an alert fires at an instant when its expression
// returns a series there.
package slotheval

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

// Rules is a Sloth rule file, sorted for evaluation.
type Rules struct {
	// Recording are the recording rules that read raw series only.
	Recording []rulefmt.Rule
	// Dependent are the recording rules that read other rules' output
	// (Sloth's 30-day SLI and its burn-rate metadata). Like promtool, Record
	// leaves them out; no alert reads them.
	Dependent []rulefmt.Rule
	// Alerting are the alerting rules.
	Alerting []rulefmt.Rule
}

// Parse reads a rule file with Prometheus' own rule parser and sorts its
// rules. Group labels are added to the rules' own.
func Parse(data []byte) (*Rules, error) {
	p := parser.NewParser(parser.Options{})
	groups, errs := rulefmt.Parse(data, false, model.UTF8Validation, p, slog.New(slog.DiscardHandler))
	if len(errs) > 0 {
		return nil, fmt.Errorf("parse rules: %w", errs[0])
	}
	recorded := map[string]bool{}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				recorded[r.Record] = true
			}
		}
	}
	out := &Rules{}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			r.Labels = merge(g.Labels, r.Labels)
			if r.Alert != "" {
				if r.For != 0 || r.KeepFiringFor != 0 {
					return nil, fmt.Errorf("alert %s: for and keep_firing_for are not supported here", r.Alert)
				}
				out.Alerting = append(out.Alerting, r)
				continue
			}
			reads, err := readsRecorded(p, r.Expr, recorded)
			if err != nil {
				return nil, fmt.Errorf("rule %s: %w", r.Record, err)
			}
			if reads {
				out.Dependent = append(out.Dependent, r)
			} else {
				out.Recording = append(out.Recording, r)
			}
		}
	}
	return out, nil
}

// Exprs returns the expression of every rule, recording and alerting, in
// file order within each kind.
func (r *Rules) Exprs() []string {
	var out []string
	for _, set := range [][]rulefmt.Rule{r.Recording, r.Dependent, r.Alerting} {
		for _, rule := range set {
			out = append(out, strings.TrimSpace(rule.Expr))
		}
	}
	return out
}

// readsRecorded reports whether expr selects a series another rule records.
func readsRecorded(p parser.Parser, expr string, recorded map[string]bool) (bool, error) {
	e, err := p.ParseExpr(expr)
	if err != nil {
		return false, err
	}
	found := false
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok && recorded[vs.Name] {
			found = true
		}
		return nil
	})
	return found, nil
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
