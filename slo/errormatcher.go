package slo

import (
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
)

// ErrorMatcher marks the bad calls of an errors SLI: a call is bad when its
// series matches every matcher of one of the alternatives. A spec's
// error_matcher is one alternative. The default (DefaultErrorMatcher) has
// two, because the Collector writes a span's status in one of two labels
// and one PromQL selector cannot say "this label or that one".
//
// No series may match two alternatives: the bad calls are the sum of each
// alternative's, which the planner queries apart and adds up, so a series
// that matched two would be counted twice.
type ErrorMatcher [][]*labels.Matcher

// DefaultErrorMatcher returns the error matcher of an errors SLI whose spec
// sets none. A call failed when its series has
//
//   - status_code="STATUS_CODE_ERROR": the Collector's spanmetrics
//     connector by default (it writes STATUS_CODE_UNSET, _OK or _ERROR on
//     every series), and Tempo's metrics-generator; or
//   - otel_status_code="ERROR": the connector under its feature gate
//     spanmetrics.statusCodeConvention.useOtelPrefix, which writes
//     otel_status_code="OK" for an ok span and no status label at all for
//     an unset one (the most common).
//
// A series with neither label counts no call as bad. A series carries one
// convention; the second alternative still leaves out the series the first
// matches (status_code!="STATUS_CODE_ERROR"), so that none is counted twice
// even where a span attribute adds the other label.
func DefaultErrorMatcher() ErrorMatcher {
	return ErrorMatcher{
		{labels.MustNewMatcher(labels.MatchEqual, "status_code", "STATUS_CODE_ERROR")},
		{
			labels.MustNewMatcher(labels.MatchEqual, "otel_status_code", "ERROR"),
			labels.MustNewMatcher(labels.MatchNotEqual, "status_code", "STATUS_CODE_ERROR"),
		},
	}
}

// Matches reports whether a series with these labels counts bad calls. An
// absent label reads as "", as in PromQL.
func (e ErrorMatcher) Matches(series map[string]string) bool {
	for _, alt := range e {
		if matchesAll(alt, series) {
			return true
		}
	}
	return false
}

func matchesAll(ms []*labels.Matcher, series map[string]string) bool {
	for _, m := range ms {
		if !m.Matches(series[m.Name]) {
			return false
		}
	}
	return true
}

// RequiredLabels returns the names of the labels that some alternative
// needs on a series to match it (its matchers that "" does not satisfy), in
// the order the alternatives name them.
func (e ErrorMatcher) RequiredLabels() []string {
	var names []string
	for _, alt := range e {
		for _, m := range alt {
			if !m.Matches("") && !slices.Contains(names, m.Name) {
				names = append(names, m.Name)
			}
		}
	}
	return names
}

// String renders the matcher as a spec writes it: one alternative as its
// matchers, several each in braces joined by " or ".
func (e ErrorMatcher) String() string {
	alts := make([]string, len(e))
	for i, alt := range e {
		parts := make([]string, len(alt))
		for j, m := range alt {
			parts[j] = m.String()
		}
		alts[i] = strings.Join(parts, ", ")
		if len(e) > 1 {
			alts[i] = "{" + alts[i] + "}"
		}
	}
	return strings.Join(alts, " or ")
}
