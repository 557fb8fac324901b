package scale_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
)

// The span metrics of the fleet, as the OpenTelemetry Collector's
// spanmetrics connector names them, scraped once a minute for three days
// and a half hour (the longest alert window and a margin).
const (
	callsName    = "traces_span_metrics_calls_total"
	durationName = "traces_span_metrics_duration_milliseconds"
	statusOK     = "STATUS_CODE_UNSET"
	statusErr    = "STATUS_CODE_ERROR"
	scrape       = time.Minute
	history      = 3*24*time.Hour + 30*time.Minute
	// ruleInterval is Sloth's rule evaluation interval and burnwatch's
	// cycle.
	ruleInterval = 30 * time.Second
	// period is the SLO period, over which Sloth's 30-day SLI reads its
	// own 5-minute SLI.
	period = 30 * 24 * time.Hour
)

// bounds are the connector's default histogram buckets, in ms, and cdf the
// share of calls at or under each.
var (
	bounds = []float64{2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10000, 15000}
	cdf    = []float64{0.01, 0.02, 0.04, 0.06, 0.08, 0.3, 0.6, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.998, 0.9995, 0.9999}
)

// fleetSeries returns the labels of every span-metrics series, pair by
// pair, status by status, in the order values writes them.
func fleetSeries() []labels.Labels {
	var out []labels.Labels
	for pair := range services * spanNames {
		svc, span := serviceName(pair/spanNames), spanName(pair%spanNames)
		for _, status := range []string{statusOK, statusErr} {
			base := []string{"service_name", svc, "span_name", span, "span_kind", "SPAN_KIND_SERVER", "status_code", status}
			out = append(out, labels.FromStrings(append([]string{"__name__", callsName}, base...)...))
			for _, b := range bounds {
				out = append(out, labels.FromStrings(append([]string{"__name__", durationName + "_bucket", "le", fmt.Sprint(b)}, base...)...))
			}
			out = append(out,
				labels.FromStrings(append([]string{"__name__", durationName + "_bucket", "le", "+Inf"}, base...)...),
				labels.FromStrings(append([]string{"__name__", durationName + "_count"}, base...)...),
				labels.FromStrings(append([]string{"__name__", durationName + "_sum"}, base...)...))
		}
	}
	return out
}

// values writes the value of every fleet series at minute m into out:
// pair p gets 120 + 60·(p mod 7) calls a minute, 0.1% of them errors.
func values(m int64, out []float64) {
	i := 0
	for pair := range services * spanNames {
		calls := float64(120+60*(pair%7)) * float64(m)
		errs := math.Floor(calls * 0.001)
		for _, c := range []float64{calls - errs, errs} {
			out[i] = c
			i++
			for _, share := range cdf {
				out[i] = math.Floor(c * share)
				i++
			}
			out[i], out[i+1], out[i+2] = c, c, 150*c
			i += 3
		}
	}
}

// recordedSeries is Sloth's 5-minute SLI of an SLO, as its rules record it.
func recordedSeries(f fleetSLO) labels.Labels {
	return labels.FromStrings("__name__", "slo:sli_error:ratio_rate5m",
		"sloth_id", f.slothID(), "sloth_service", f.service, "sloth_slo", f.name(), "sloth_window", "5m")
}

// writeBlocks writes the fleet's span metrics over the history before end,
// and Sloth's recorded 5-minute SLI of the given SLOs every ruleInterval
// over the period before end, as TSDB blocks in dir. Two writers split the
// time range, so that the blocks do not overlap (Prometheus would compact
// overlapping blocks while the suite measures). It returns the number of
// samples written.
func writeBlocks(t *testing.T, dir string, end time.Time, recorded []fleetSLO) int64 {
	t.Helper()
	series := fleetSeries()
	var rec []labels.Labels
	for _, f := range recorded {
		rec = append(rec, recordedSeries(f))
	}
	start := end.Add(-history)
	mid := start.Add(history / 2).Truncate(scrape)
	parts := [][2]time.Time{{end.Add(-period), mid}, {mid, end.Add(time.Millisecond)}}
	var total int64
	var mu sync.Mutex
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := writePart(dir, series, rec, start, p[0], p[1])
			errs[i] = err
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return total
}

// writePart writes the samples in [from, to) as one block.
func writePart(dir string, series, rec []labels.Labels, start, from, to time.Time) (int64, error) {
	w, err := tsdb.NewBlockWriter(slog.New(slog.DiscardHandler), dir, (period + 24*time.Hour).Milliseconds())
	if err != nil {
		return 0, fmt.Errorf("block writer: %w", err)
	}
	defer w.Close()
	ctx := context.Background()
	app := w.Appender(ctx)
	refs := make([]storage.SeriesRef, len(series)+len(rec))
	vals := make([]float64, len(series))
	var n int64
	appended := 0
	for ts := from; ts.Before(to); ts = ts.Add(ruleInterval) {
		ms := ts.UnixMilli()
		for i, ls := range rec {
			if refs[len(series)+i], err = app.Append(refs[len(series)+i], ls, ms, 0.001); err != nil {
				return n, err
			}
			n++
		}
		if ts.Before(start) || ts.Sub(start)%scrape != 0 {
			continue
		}
		values(int64(ts.Sub(start)/scrape), vals)
		for i, ls := range series {
			if refs[i], err = app.Append(refs[i], ls, ms, vals[i]); err != nil {
				return n, err
			}
		}
		n += int64(len(series))
		if appended++; appended%30 == 0 {
			if err := app.Commit(); err != nil {
				return n, err
			}
			app = w.Appender(ctx)
		}
	}
	if err := app.Commit(); err != nil {
		return n, err
	}
	if _, err := w.Flush(ctx); err != nil {
		return n, fmt.Errorf("flush block: %w", err)
	}
	return n, nil
}
