package prom_test

import (
	"context"
	"errors"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/prom"
)

// exemplarAPI answers every query with the same result or error.
type exemplarAPI struct {
	res []v1.ExemplarQueryResult
	err error
}

func (a exemplarAPI) QueryExemplars(context.Context, string, time.Time, time.Time) ([]v1.ExemplarQueryResult, error) {
	return a.res, a.err
}

func TestExemplarsAreAdaptedToAlertingTypes(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 30, 0, time.UTC)
	api := exemplarAPI{res: []v1.ExemplarQueryResult{{
		SeriesLabels: model.LabelSet{"__name__": "traces_span_metrics_duration_milliseconds_bucket", "le": "5000", "status_code": "STATUS_CODE_UNSET"},
		Exemplars:    []v1.Exemplar{{Labels: model.LabelSet{"trace_id": "4bf92f3577b34da6"}, Value: 3512.5, Timestamp: model.TimeFromUnixNano(at.UnixNano())}},
	}}}
	got, err := prom.Exemplars(api).QueryExemplars(context.Background(), "x", at.Add(-time.Hour), at)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Exemplars) != 1 {
		t.Fatalf("adapted %+v, want one series with one exemplar", got)
	}
	if s := got[0].SeriesLabels; s["le"] != "5000" || s["status_code"] != "STATUS_CODE_UNSET" {
		t.Errorf("series labels %v", s)
	}
	e := got[0].Exemplars[0]
	if e.Labels["trace_id"] != "4bf92f3577b34da6" || e.Value != 3512.5 || !e.At.Equal(at) {
		t.Errorf("exemplar %+v, want trace 4bf92f3577b34da6, 3512.5 at %s", e, at)
	}
}

func TestAnExemplarErrorIsPassedOn(t *testing.T) {
	cause := errors.New("exemplar storage is not enabled")
	_, err := prom.Exemplars(exemplarAPI{err: cause}).QueryExemplars(context.Background(), "x", time.Time{}, time.Time{})
	if !errors.Is(err, cause) {
		t.Errorf("error %v, want %v", err, cause)
	}
}
