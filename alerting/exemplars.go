package alerting

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"

	"github.com/burnwatch/burnwatch/slo"
)

// ExemplarQuerier finds exemplars: Prometheus' /api/v1/query_exemplars.
type ExemplarQuerier interface {
	QueryExemplars(ctx context.Context, expr string, start, end time.Time) ([]v1.ExemplarQueryResult, error)
}

// exemplarSelectors returns the series whose exemplars can point at bad
// events of an SLO: a latency SLI's histogram buckets; an errors SLI's
// failed calls and, where the dialect is known, its failed spans' histogram.
// Events and raw SLIs are free PromQL and have none.
func exemplarSelectors(s *slo.SLO) []string {
	switch s.SLI.Kind {
	case slo.SLILatency:
		return []string{slo.Selector(s.SLI.Metric, s.SLI.Matchers)}
	case slo.SLIErrors:
		bad := append(append([]*labels.Matcher{}, s.SLI.Matchers...), s.SLI.ErrorMatchers...)
		out := []string{slo.Selector(s.SLI.Metric, bad)}
		if info, ok := s.SLI.Dialect.Info(); ok {
			out = append(out, slo.Selector(info.Histogram+"_bucket", bad))
		}
		return out
	}
	return nil
}

// FindTraces looks for exemplars of bad events of an SLO in each window
// before at (the short window first, then the long one) and returns up to
// max distinct traces, worst first: the slowest for a latency SLI, the most
// recent failures for an errors SLI.
func FindTraces(ctx context.Context, q ExemplarQuerier, s *slo.SLO, windows []time.Duration, at time.Time, max int) ([]TraceLink, error) {
	selectors := exemplarSelectors(s)
	if len(selectors) == 0 || q == nil {
		return nil, nil
	}
	var found []TraceLink
	seen := map[string]bool{}
	var firstErr error
	for _, w := range windows {
		for _, sel := range selectors {
			results, err := q.QueryExemplars(ctx, sel, at.Add(-w), at)
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
		if len(found) >= max {
			break
		}
	}
	slices.SortStableFunc(found, func(a, b TraceLink) int {
		if a.Value != b.Value {
			return cmpDesc(a.Value, b.Value)
		}
		return b.At.Compare(a.At)
	})
	if len(found) > max {
		found = found[:max]
	}
	if len(found) > 0 {
		return found, nil
	}
	return nil, firstErr
}

func cmpDesc(a, b float64) int {
	if a > b {
		return -1
	}
	return 1
}

// badTrace turns an exemplar into a trace link if it shows a bad event: a
// latency above the threshold, or any exemplar on a failed call's series.
func badTrace(s *slo.SLO, series model.LabelSet, e v1.Exemplar) (TraceLink, bool) {
	var traceID string
	for _, name := range s.Traces.TraceIDLabels {
		if v := e.Labels[model.LabelName(name)]; v != "" {
			traceID = string(v)
			break
		}
	}
	if traceID == "" {
		return TraceLink{}, false
	}
	at := e.Timestamp.Time()
	link := TraceLink{TraceID: traceID, At: at}
	switch s.SLI.Kind {
	case slo.SLILatency:
		// Convert from the histogram's unit: Bucket is Threshold in it.
		seconds := float64(e.Value) * s.SLI.Threshold.Seconds() / s.SLI.Bucket
		isError := false
		for _, m := range errorMarkers(s) {
			if m.Matches(string(series[model.LabelName(m.Name)])) {
				isError = true
			}
		}
		switch {
		case float64(e.Value) > s.SLI.Bucket:
			link.Value = seconds
			link.Reason = fmt.Sprintf("latency %ss > %ss", strconv.FormatFloat(seconds, 'g', 4, 64), strconv.FormatFloat(s.SLI.Threshold.Seconds(), 'g', -1, 64))
		case isError:
			link.Value = seconds
			link.Reason = "error"
		default:
			return TraceLink{}, false
		}
	default:
		link.Value = 1
		link.Reason = "error"
	}
	if s.Traces.Link != nil {
		url, err := s.Traces.Link.Render(slo.TraceRef{TraceID: traceID, Service: s.Service, At: at})
		if err == nil {
			link.URL = url
		}
	}
	return link, true
}

// errorMarkers are the matchers that mark a span as failed, for spotting an
// exemplar of a slow SLO's histogram that sits on an error series.
func errorMarkers(s *slo.SLO) []*labels.Matcher {
	return []*labels.Matcher{labels.MustNewMatcher(labels.MatchEqual, "status_code", "STATUS_CODE_ERROR")}
}
