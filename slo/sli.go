package slo

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
)

// HistogramBase is the latency histogram's name without its _bucket suffix.
func (s SLI) HistogramBase() string { return strings.TrimSuffix(s.Metric, "_bucket") }

// bucketMatchers select a latency SLI's good events: the threshold bucket.
func (s SLI) bucketMatchers() []*labels.Matcher {
	return append(append([]*labels.Matcher{}, s.Matchers...), BucketMatcher(s.Bucket))
}

// goodQueryFor returns the PromQL for a latency SLI's good events over
// window: the threshold bucket's increase, or for a native histogram the
// share of observations up to the threshold times their count.
func (s SLI) goodQueryFor(window string) string {
	if s.Native {
		inc := fmt.Sprintf("increase(%s[%s])", Selector(s.Metric, s.Matchers), window)
		return fmt.Sprintf("sum(histogram_fraction(0, %s, %s) * histogram_count(%s))", strconv.FormatFloat(s.Bucket, 'f', -1, 64), inc, inc)
	}
	return fmt.Sprintf("sum(increase(%s[%s]))", Selector(s.Metric, s.bucketMatchers()), window)
}

// NativeTemplates returns a native-histogram latency SLI's valid and good
// events as templates with the {{.window}} placeholder.
func (s SLI) NativeTemplates() (valid, good string) {
	valid, _ = s.TotalQueryFor("{{.window}}")
	return valid, s.goodQueryFor("{{.window}}")
}

// BadCallMatchers returns, for each alternative of an errors SLI's error
// matcher, the matchers that select its bad calls' series: the SLI's own
// and the alternative's. The alternatives select different series.
func (s SLI) BadCallMatchers() [][]*labels.Matcher {
	out := make([][]*labels.Matcher, len(s.ErrorMatcher))
	for i, alt := range s.ErrorMatcher {
		out[i] = append(append([]*labels.Matcher{}, s.Matchers...), alt...)
	}
	return out
}

// badCallsQueryFor returns the PromQL for an errors SLI's bad calls over
// window: each alternative's increase, joined with `or`. The alternatives
// select different series, so `or` keeps every one of them once, and an
// alternative with no series leaves the others' sum as it is (where `+`
// would make it empty).
func (s SLI) badCallsQueryFor(window string) string {
	alts := s.BadCallMatchers()
	parts := make([]string, len(alts))
	for i, ms := range alts {
		parts[i] = fmt.Sprintf("increase(%s[%s])", Selector(s.Metric, ms), window)
	}
	return "sum(" + strings.Join(parts, " or ") + ")"
}

// TotalQueryFor returns the PromQL for the number of valid events in window, or
// "" for a raw SLI.
func (s SLI) TotalQueryFor(window string) (string, error) {
	switch s.Kind {
	case SLILatency:
		if s.Native {
			return fmt.Sprintf("sum(histogram_count(increase(%s[%s])))", Selector(s.Metric, s.Matchers), window), nil
		}
		return fmt.Sprintf("sum(increase(%s[%s]))", Selector(s.HistogramBase()+"_count", s.Matchers), window), nil
	case SLIErrors:
		return fmt.Sprintf("sum(increase(%s[%s]))", Selector(s.Metric, s.Matchers), window), nil
	case SLIEvents:
		return ExpandWindow(s.TotalQuery, window)
	}
	return "", nil
}

// BadQueryFor returns the PromQL for the number of bad events in window, or
// "" for a raw SLI.
func (s SLI) BadQueryFor(window string) (string, error) {
	switch s.Kind {
	case SLILatency:
		total, _ := s.TotalQueryFor(window)
		return total + " - " + s.goodQueryFor(window), nil
	case SLIErrors:
		return s.badCallsQueryFor(window), nil
	case SLIEvents:
		if s.ErrorQuery != "" {
			return ExpandWindow(s.ErrorQuery, window)
		}
		total, err := ExpandWindow(s.TotalQuery, window)
		if err != nil {
			return "", err
		}
		good, err := ExpandWindow(s.GoodQuery, window)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("(%s) - (%s)", total, good), nil
	}
	return "", nil
}

// ErrorRatioQueryFor returns the PromQL for the error ratio over window:
// bad events divided by valid events, or the raw SLI's own query.
func (s SLI) ErrorRatioQueryFor(window string) (string, error) {
	if s.Kind == SLIRaw {
		return ExpandWindow(s.ErrorRatioQuery, window)
	}
	bad, err := s.BadQueryFor(window)
	if err != nil {
		return "", err
	}
	total, err := s.TotalQueryFor(window)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("(%s) / (%s)", bad, total), nil
}
