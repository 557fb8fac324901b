package spanmetrics

import (
	"maps"
	"math"
	"time"

	"github.com/burnwatch/burnwatch/internal/promtest"
)

// The series names and label values of the OpenTelemetry Collector's
// spanmetrics connector, which the suites write.
const (
	Calls     = "traces_span_metrics_calls_total"
	Duration  = "traces_span_metrics_duration_milliseconds"
	StatusOK  = "STATUS_CODE_UNSET"
	StatusErr = "STATUS_CODE_ERROR"
	// ThresholdMS is the latency threshold of the latency histograms: a
	// bad call takes longer.
	ThresholdMS = 2000
)

// Writer collects the series of many services as one OpenMetrics text for
// promtest's backfill.
type Writer struct {
	om promtest.OpenMetricsWriter
}

// WriteCalls writes the calls counter of one span, split by status code
// (bad calls are errors), and returns the ground truth.
func (w *Writer) WriteCalls(labels map[string]string, p Profile, sh Shape) *Counts {
	s := sample(p, sh)
	var good, bad []promtest.Point
	for i := range s.good {
		if !s.scraped[i] {
			continue
		}
		t := sh.Start.Add(time.Duration(i) * sh.Scrape)
		good = append(good, promtest.Point{T: t, V: s.good[i]})
		bad = append(bad, promtest.Point{T: t, V: s.bad[i]})
	}
	w.om.WriteCounter(Calls, with(labels, "status_code", StatusOK), good)
	w.om.WriteCounter(Calls, with(labels, "status_code", StatusErr), bad)
	return s.counts
}

// WriteLatency writes the duration histogram of one span, in milliseconds,
// with buckets at 100 and 2000: seven in ten good calls take 40 ms, the
// others 400 ms, and bad calls 3 s. It returns the ground truth.
func (w *Writer) WriteLatency(labels map[string]string, p Profile, sh Shape) *Counts {
	s := sample(p, sh)
	var pts []promtest.HistogramPoint
	for i := range s.good {
		if !s.scraped[i] {
			continue
		}
		good, bad := s.good[i], s.bad[i]
		fast := math.Floor(0.7 * good)
		pts = append(pts, promtest.HistogramPoint{
			T:       sh.Start.Add(time.Duration(i) * sh.Scrape),
			Buckets: []float64{fast, good},
			Count:   good + bad,
			Sum:     40*fast + 400*(good-fast) + 3000*bad,
		})
	}
	w.om.WriteHistogram(Duration, with(labels, "status_code", StatusOK), []float64{100, ThresholdMS}, pts)
	return s.counts
}

// Text returns the OpenMetrics text of everything written.
func (w *Writer) Text() (string, error) {
	return w.om.Text()
}

func with(m map[string]string, k, v string) map[string]string {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]string{}
	}
	out[k] = v
	return out
}
