package slo

import (
	"math"
	"regexp"
	"slices"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// namePattern is what SLO names and services may look like: they form the
// SLO id ("service/name"), which appears in URLs and alert labels.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// checkName reports a missing or malformed name or service.
func checkName(rep *reporter, n, parent *yaml.Node, field, value string) {
	switch {
	case value == "":
		rep.at(parent, "missing required field %q", field)
	case !namePattern.MatchString(value):
		rep.at(n, "%s %q must start with a letter or digit and hold only letters, digits, '.', '_' and '-'", field, value)
	}
}

// checkObjective reports an objective outside [1, 100), in percent.
func checkObjective(rep *reporter, n, parent *yaml.Node, objective *float64) {
	switch {
	case objective == nil && n != nil:
		// Written but not a number: the decoder has said so.
	case objective == nil:
		rep.at(parent, "missing required field %q", "objective")
	case math.IsNaN(*objective) || *objective <= 0 || *objective >= 100:
		rep.at(n, "objective %v is not in (0, 100)", *objective)
	case *objective < 1:
		// A ratio written where a percent is expected: 0.9999 would be an
		// objective of 0.9999%, which never alerts.
		rep.at(n, "objective %v is below 1: did you mean %v?", *objective, roundSignificant(*objective*100))
	}
}

// checkLabels reports label names Prometheus would not accept.
func checkLabels(rep *reporter, mapping *yaml.Node, ls map[string]string) {
	keys := make([]string, 0, len(ls))
	for k := range ls {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !model.LegacyValidation.IsValidLabelName(k) {
			rep.at(keyNode(mapping, k), "invalid label name %q", k)
		}
	}
}

// keyNode finds the key node of a mapping entry, to point at it; it falls
// back to the mapping itself.
func keyNode(mapping *yaml.Node, key string) *yaml.Node {
	if mapping == nil {
		return nil
	}
	for i := 0; i+1 < len(mapping.Content); i += 2 {
		if mapping.Content[i].Value == key {
			return mapping.Content[i]
		}
	}
	return mapping
}

// orParent is n, or parent where n is nil (a field that was not written).
func orParent(n, parent *yaml.Node) *yaml.Node {
	if n != nil {
		return n
	}
	return parent
}

// mergeLabels returns the union of label sets, later ones winning.
func mergeLabels(sets ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, s := range sets {
		for k, v := range s {
			out[k] = v
		}
	}
	return out
}
