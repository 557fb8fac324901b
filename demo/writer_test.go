package demo

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/exemplar"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
)

// fakeStore keeps the last value of every series and every exemplar, and
// refuses what a TSDB would refuse: samples or exemplars that go back in
// time within a series.
type fakeStore struct {
	values    map[string]float64
	lastT     map[string]int64
	lastEx    map[string]int64
	exemplars []fakeExemplar
}

type fakeExemplar struct {
	series labels.Labels
	ex     exemplar.Exemplar
}

func newFakeStore() *fakeStore {
	return &fakeStore{values: map[string]float64{}, lastT: map[string]int64{}, lastEx: map[string]int64{}}
}

func (s *fakeStore) Appender(context.Context) storage.Appender { return &fakeAppender{s: s} }

// fakeAppender implements the appender methods the writer calls; any other
// panics through the nil embedded interface.
type fakeAppender struct {
	storage.Appender
	s *fakeStore
}

func (a *fakeAppender) Append(_ storage.SeriesRef, l labels.Labels, t int64, v float64) (storage.SeriesRef, error) {
	k := l.String()
	if last, ok := a.s.lastT[k]; ok && t <= last {
		return 0, fmt.Errorf("%s: sample at %d after %d", k, t, last)
	}
	a.s.lastT[k], a.s.values[k] = t, v
	return 1, nil
}

func (a *fakeAppender) AppendExemplar(_ storage.SeriesRef, l labels.Labels, e exemplar.Exemplar) (storage.SeriesRef, error) {
	k := l.String()
	if last, ok := a.s.lastEx[k]; ok && e.Ts <= last {
		return 0, fmt.Errorf("%s: exemplar at %d after %d", k, e.Ts, last)
	}
	a.s.lastEx[k] = e.Ts
	a.s.exemplars = append(a.s.exemplars, fakeExemplar{l, e})
	return 1, nil
}

func (a *fakeAppender) Commit() error   { return nil }
func (a *fakeAppender) Rollback() error { return nil }

var testStart = time.Date(2026, 3, 16, 12, 0, 0, 0, time.UTC)

// liveWriter is a writer on a fake store that starts at T with every
// counter at zero, as if history had been written.
func liveWriter(t *testing.T) (*writer, *fakeStore, *traceStore) {
	t.Helper()
	store, traces := newFakeStore(), newTraceStore(traceLimit)
	wr := newWriter(traces, DefaultScript(), testStart)
	wr.into(store)
	wr.at = testStart
	return wr, store, traces
}

func bucket(name, service, span, status, le string) string {
	return labels.FromStrings("__name__", name, "service_name", service, "span_name", span,
		"span_kind", "SPAN_KIND_SERVER", "status_code", status, "le", le).String()
}

// TestCountersHoldTheExpectedCountsExactly writes the first ten minutes
// of the script and checks counters against counts worked out by hand from
// the rates and shares.
func TestCountersHoldTheExpectedCountsExactly(t *testing.T) {
	wr, store, _ := liveWriter(t)
	if err := wr.writeUpTo(context.Background(), testStart.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	const ms = "traces_span_metrics_duration_milliseconds_bucket"
	// checkout: 20/s; 0.005% fail; slow 0.008% except 60% for 160 s.
	checkoutSlow := 20 * (0.00008*440 + 0.6*160)
	checkoutOK := 20 * 600 * (1 - 0.00005)
	// order-consumer: 5/s; slow 0.0995% for 120 s, 0.58% for 330 s,
	// then 0.005% for 150 s.
	consumerSlow := 5 * (0.000995*120 + 0.0058*330 + 0.00005*150)
	consumer := labels.FromStrings("__name__", "traces_spanmetrics_latency_bucket", "service", "order-consumer",
		"span_name", "process order", "span_kind", "SPAN_KIND_CONSUMER", "status_code", statusUnset, "le", "2").String()
	for _, tc := range []struct {
		name   string
		series string
		want   float64
	}{
		{"checkout calls that did not fail", labels.FromStrings("__name__", "traces_span_metrics_calls_total", "service_name", "checkout",
			"span_name", "POST /checkout", "span_kind", "SPAN_KIND_SERVER", "status_code", statusUnset).String(), checkoutOK},
		{"checkout calls that failed", labels.FromStrings("__name__", "traces_span_metrics_calls_total", "service_name", "checkout",
			"span_name", "POST /checkout", "span_kind", "SPAN_KIND_SERVER", "status_code", statusError).String(), 20 * 600 * 0.00005},
		{"checkouts within 2 s are the ones not slow", bucket(ms, "checkout", "POST /checkout", statusUnset, "2000"), checkoutOK - checkoutSlow},
		{"slow checkouts all take under 5 s", bucket(ms, "checkout", "POST /checkout", statusUnset, "5000"), checkoutOK},
		{"failed checkouts fail fast", bucket(ms, "checkout", "POST /checkout", statusError, "2000"), 20 * 600 * 0.00005},
		{"order-consumer messages within 2 s", consumer, 5*600 - consumerSlow},
		{"search failures", labels.FromStrings("__name__", "traces_span_metrics_calls_total", "service_name", "search",
			"span_name", "GET /search", "span_kind", "SPAN_KIND_SERVER", "status_code", statusError).String(), 30 * 600 * 0.0005},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := store.values[tc.series]
			if !ok {
				t.Fatalf("no series %s", tc.series)
			}
			if math.Abs(got-tc.want) > 1e-9*tc.want {
				t.Errorf("%s = %v, want %v", tc.series, got, tc.want)
			}
		})
	}
}

// TestCountsDoNotDependOnHowTimeIsStepped writes the same ten minutes in
// one call, in minutes and in uneven slices, as real time does.
func TestCountsDoNotDependOnHowTimeIsStepped(t *testing.T) {
	ctx := context.Background()
	end := testStart.Add(10 * time.Minute)
	once, onceStore, _ := liveWriter(t)
	if err := once.writeUpTo(ctx, end); err != nil {
		t.Fatal(err)
	}
	for _, step := range []time.Duration{time.Minute, 3700 * time.Millisecond} {
		t.Run("in steps of "+step.String(), func(t *testing.T) {
			wr, store, _ := liveWriter(t)
			for at := testStart.Add(step); at.Before(end); at = at.Add(step) {
				if err := wr.writeUpTo(ctx, at); err != nil {
					t.Fatal(err)
				}
			}
			if err := wr.writeUpTo(ctx, end); err != nil {
				t.Fatal(err)
			}
			for k, want := range onceStore.values {
				if got := store.values[k]; math.Abs(got-want) > 1e-9*math.Max(1, want) {
					t.Errorf("%s = %v, want %v", k, got, want)
				}
			}
		})
	}
}

// TestExemplarsPointAtKeptTracesInTheirBucket checks every exemplar of the
// first ten minutes: its trace is kept and as long as its value, and it sits
// on the bucket its value falls in; the checkout incident has slow ones.
func TestExemplarsPointAtKeptTracesInTheirBucket(t *testing.T) {
	wr, store, traces := liveWriter(t)
	if err := wr.writeUpTo(context.Background(), testStart.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	slowCheckouts := 0
	for _, e := range store.exemplars {
		id := e.ex.Labels.Get("trace_id")
		unit := 0.001
		if e.series.Get("service") == "order-consumer" {
			id, unit = e.ex.Labels.Get("traceID"), 1
		}
		tr, ok := traces.get(id)
		if !ok {
			t.Fatalf("exemplar %s on %s: no such trace", e.ex.Labels, e.series)
		}
		le, err := strconv.ParseFloat(e.series.Get("le"), 64)
		if err != nil || e.ex.Value > le {
			t.Errorf("exemplar value %v on bucket le=%s", e.ex.Value, e.series.Get("le"))
		}
		var spanSeconds float64
		for _, s := range tr.spans {
			if s.name == e.series.Get("span_name") {
				spanSeconds = s.duration.Seconds()
			}
		}
		if math.Abs(spanSeconds-e.ex.Value*unit) > 0.001 {
			t.Errorf("exemplar value %v on %s, but its span in trace %s took %vs", e.ex.Value, e.series, id, spanSeconds)
		}
		if e.series.Get("service_name") == "checkout" && e.ex.Value > 2000 {
			slowCheckouts++
		}
	}
	if slowCheckouts < 10 {
		t.Errorf("%d slow checkout exemplars during a 160 s incident, want a few per step", slowCheckouts)
	}
}
