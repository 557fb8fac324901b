package prom

import (
	"fmt"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/exemplar"
	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
)

// promqlVector converts an instant query's answer to the types the HTTP
// querier returns. A scalar becomes one sample with no labels.
func promqlVector(v parser.Value) (model.Vector, error) {
	switch v := v.(type) {
	case promql.Vector:
		out := make(model.Vector, 0, len(v))
		for _, s := range v {
			out = append(out, &model.Sample{
				Metric:    metric(s.Metric),
				Value:     model.SampleValue(s.F),
				Timestamp: model.Time(s.T),
				Histogram: sampleHistogram(s.H),
			})
		}
		return out, nil
	case promql.Scalar:
		return model.Vector{{Metric: model.Metric{}, Value: model.SampleValue(v.V), Timestamp: model.Time(v.T)}}, nil
	default:
		return nil, fmt.Errorf("instant query returned a %s, want a vector or scalar", v.Type())
	}
}

// promqlMatrix converts a range query's answer to the types the HTTP
// querier returns.
func promqlMatrix(v parser.Value) (model.Matrix, error) {
	m, ok := v.(promql.Matrix)
	if !ok {
		return nil, fmt.Errorf("range query returned a %s, want a matrix", v.Type())
	}
	out := make(model.Matrix, 0, len(m))
	for _, s := range m {
		stream := &model.SampleStream{Metric: metric(s.Metric)}
		for _, p := range s.Floats {
			stream.Values = append(stream.Values, model.SamplePair{Timestamp: model.Time(p.T), Value: model.SampleValue(p.F)})
		}
		for _, p := range s.Histograms {
			stream.Histograms = append(stream.Histograms, model.SampleHistogramPair{Timestamp: model.Time(p.T), Histogram: sampleHistogram(p.H)})
		}
		out = append(out, stream)
	}
	return out, nil
}

// metric converts a label set.
func metric(ls labels.Labels) model.Metric {
	m := make(model.Metric, ls.Len())
	ls.Range(func(l labels.Label) {
		m[model.LabelName(l.Name)] = model.LabelValue(l.Value)
	})
	return m
}

// sampleHistogram converts a native histogram the way the HTTP API encodes
// it: count, sum, and the non-empty buckets with their boundary rules.
func sampleHistogram(h *histogram.FloatHistogram) *model.SampleHistogram {
	if h == nil {
		return nil
	}
	out := &model.SampleHistogram{Count: model.FloatString(h.Count), Sum: model.FloatString(h.Sum)}
	for it := h.AllBucketIterator(); it.Next(); {
		b := it.At()
		if b.Count == 0 {
			continue
		}
		// 0: (lower, upper]; 1: [lower, upper); 2: (lower, upper); 3: [lower, upper].
		var boundaries int32
		switch {
		case b.LowerInclusive && b.UpperInclusive:
			boundaries = 3
		case b.LowerInclusive:
			boundaries = 1
		case !b.UpperInclusive:
			boundaries = 2
		}
		out.Buckets = append(out.Buckets, &model.HistogramBucket{
			Boundaries: boundaries,
			Lower:      model.FloatString(b.Lower),
			Upper:      model.FloatString(b.Upper),
			Count:      model.FloatString(b.Count),
		})
	}
	return out
}

// exemplarResults converts the exemplar storage's answer to the HTTP API's.
func exemplarResults(in []exemplar.QueryResult) []v1.ExemplarQueryResult {
	out := make([]v1.ExemplarQueryResult, 0, len(in))
	for _, r := range in {
		res := v1.ExemplarQueryResult{
			SeriesLabels: model.LabelSet(metric(r.SeriesLabels)),
			Exemplars:    make([]v1.Exemplar, 0, len(r.Exemplars)),
		}
		for _, e := range r.Exemplars {
			res.Exemplars = append(res.Exemplars, v1.Exemplar{
				Labels:    model.LabelSet(metric(e.Labels)),
				Value:     model.SampleValue(e.Value),
				Timestamp: model.Time(e.Ts),
			})
		}
		out = append(out, res)
	}
	return out
}
