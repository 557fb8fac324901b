package prom

import (
	"context"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/burnwatch/burnwatch/alerting"
)

// ExemplarAPI is a source of exemplars in the Prometheus API client's
// types: HTTP and Embedded are both.
type ExemplarAPI interface {
	QueryExemplars(ctx context.Context, expr string, start, end time.Time) ([]v1.ExemplarQueryResult, error)
}

// Exemplars adapts an ExemplarAPI to alerting's ExemplarQuerier, so that
// alerting needs none of the client's types.
func Exemplars(api ExemplarAPI) alerting.ExemplarQuerier { return exemplarAdapter{api} }

type exemplarAdapter struct{ api ExemplarAPI }

func (a exemplarAdapter) QueryExemplars(ctx context.Context, expr string, start, end time.Time) ([]alerting.ExemplarSeries, error) {
	res, err := a.api.QueryExemplars(ctx, expr, start, end)
	if err != nil {
		return nil, err
	}
	out := make([]alerting.ExemplarSeries, 0, len(res))
	for _, r := range res {
		s := alerting.ExemplarSeries{SeriesLabels: make(map[string]string, len(r.SeriesLabels))}
		for k, v := range r.SeriesLabels {
			s.SeriesLabels[string(k)] = string(v)
		}
		for _, e := range r.Exemplars {
			ex := alerting.Exemplar{Labels: make(map[string]string, len(e.Labels)), Value: float64(e.Value), At: e.Timestamp.Time()}
			for k, v := range e.Labels {
				ex.Labels[string(k)] = string(v)
			}
			s.Exemplars = append(s.Exemplars, ex)
		}
		out = append(out, s)
	}
	return out, nil
}
