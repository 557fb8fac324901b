package alerting

// This file finds the exemplar traces of an SLO's bad events. Exemplars
// reach alerting through ExemplarQuerier and the types below, which
// alerting owns; prom adapts the Prometheus API client to them.

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// ExemplarQuerier finds exemplars: Prometheus' /api/v1/query_exemplars.
type ExemplarQuerier interface {
	// QueryExemplars returns the exemplars, between start and end, of the
	// series that expr selects.
	QueryExemplars(ctx context.Context, expr string, start, end time.Time) ([]ExemplarSeries, error)
}

// ExemplarSeries is one series and its exemplars.
type ExemplarSeries struct {
	// SeriesLabels are the series' labels, the metric name included.
	SeriesLabels map[string]string
	Exemplars    []Exemplar
}

// Exemplar is one sampled observation with the labels that identify its
// trace.
type Exemplar struct {
	Labels map[string]string
	// Value is the observation in the series' unit (a latency in the
	// histogram's unit, or a counter increment).
	Value float64
	At    time.Time
}

// exemplarSelectors returns the series whose exemplars can point at bad
// events of an SLO: a latency SLI's histogram buckets; an errors SLI's
// failed calls and, where the dialect is known, its failed spans' histogram,
// once per alternative of its error matcher. Events and raw SLIs are free
// PromQL and have none.
func exemplarSelectors(s *slo.SLO) []string {
	switch s.SLI.Kind {
	case slo.SLILatency:
		return []string{slo.Selector(s.SLI.Metric, s.SLI.Matchers)}
	case slo.SLIErrors:
		var out []string
		for _, bad := range s.SLI.BadCallMatchers() {
			out = append(out, slo.Selector(s.SLI.Metric, bad))
		}
		if info, ok := s.SLI.Dialect.Info(); ok {
			for _, bad := range s.SLI.BadCallMatchers() {
				out = append(out, slo.Selector(info.Histogram+"_bucket", bad))
			}
		}
		return out
	}
	return nil
}

// findTraces looks for exemplars of bad events of an SLO between from and
// to and returns up to max distinct traces, worst first: the slowest for a
// latency SLI, the most recent failures for an errors SLI.
func findTraces(ctx context.Context, q ExemplarQuerier, s *slo.SLO, from, to time.Time, max int) ([]TraceLink, error) {
	var found []TraceLink
	seen := map[string]bool{}
	var firstErr error
	for _, sel := range exemplarSelectors(s) {
		results, err := q.QueryExemplars(ctx, sel, from, to)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("exemplars of %s for %s: %w", s.ID, sel, err)
			}
			continue
		}
		for _, r := range results {
			for _, e := range r.Exemplars {
				link, ok := badTrace(s, r.SeriesLabels, e)
				if ok && !seen[link.TraceID] {
					seen[link.TraceID] = true
					found = append(found, link)
				}
			}
		}
	}
	sortTraces(found)
	if len(found) > max {
		found = found[:max]
	}
	if len(found) > 0 {
		return found, nil
	}
	return nil, firstErr
}

// sortTraces puts the worst first: the highest value, then the newest.
func sortTraces(traces []TraceLink) {
	slices.SortStableFunc(traces, func(a, b TraceLink) int {
		if a.Value != b.Value {
			if a.Value > b.Value {
				return -1
			}
			return 1
		}
		return b.At.Compare(a.At)
	})
}

// badTrace turns an exemplar into a trace link if it shows a bad event of
// the SLO's SLI: for a latency SLI, a latency above the threshold on a
// series that is not an error series (a failed call, fast or slow, says
// nothing about latency); for an errors SLI, any exemplar of a series that
// its error matcher marks as failed calls.
func badTrace(s *slo.SLO, series map[string]string, e Exemplar) (TraceLink, bool) {
	var traceID string
	for _, name := range s.Traces.TraceIDLabels {
		if v := e.Labels[name]; v != "" {
			traceID = v
			break
		}
	}
	if traceID == "" {
		return TraceLink{}, false
	}
	link := TraceLink{TraceID: traceID, At: e.At}
	switch s.SLI.Kind {
	case slo.SLILatency:
		if e.Value <= s.SLI.Bucket || isErrorSeries(s, series) {
			return TraceLink{}, false
		}
		// Convert from the histogram's unit: Bucket is Threshold in it.
		link.Value = e.Value * s.SLI.Threshold.Seconds() / s.SLI.Bucket
		link.Reason = fmt.Sprintf("latency %ss > %ss", strconv.FormatFloat(link.Value, 'g', 4, 64), strconv.FormatFloat(s.SLI.Threshold.Seconds(), 'g', -1, 64))
	default:
		// The selectors ask for failed calls' series only; a querier that
		// answers with more must not turn an ok call into an error link.
		if !isErrorSeries(s, series) {
			return TraceLink{}, false
		}
		link.Value = 1
		link.Reason = "error"
	}
	if s.Traces.Link != nil {
		url, err := s.Traces.Link.Render(slo.TraceRef{TraceID: traceID, Service: s.Service, At: e.At})
		if err == nil {
			link.URL = url
		}
	}
	return link, true
}

// isErrorSeries says whether a series counts failed spans: whether it
// matches an alternative of the SLO's error matcher, or for an SLI without
// one (latency) of the default, which knows every span-metrics dialect's
// status labels.
func isErrorSeries(s *slo.SLO, series map[string]string) bool {
	if len(s.SLI.ErrorMatcher) > 0 {
		return s.SLI.ErrorMatcher.Matches(series)
	}
	return slo.DefaultErrorMatcher().Matches(series)
}

// noTracesNote says why no trace link was found for an SLO.
func noTracesNote(s *slo.SLO, lookupErr error) string {
	switch {
	case lookupErr != nil:
		return "exemplar lookup failed: " + lookupErr.Error()
	case len(exemplarSelectors(s)) == 0:
		return "this SLI's series carry no exemplars"
	case s.SLI.Kind == slo.SLILatency:
		return fmt.Sprintf("no exemplar above %s in Prometheus yet; the Collector flushes every 60s", s.SLI.Threshold)
	default:
		return "no exemplar of a failed call in Prometheus yet; the Collector flushes every 60s"
	}
}
