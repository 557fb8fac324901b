package burnrate_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
)

// Benchmarks of one evaluation cycle on the embedded engine. The fleet is
// 1,000 (service, span name) pairs with one sample a minute for 26 hours:
// the calls counter by status code and a duration histogram with the
// buckets of five thresholds and _count, 8,000 series. N SLOs cover N/10
// pairs, ten each: availability at five objectives and latency at five
// thresholds, as in the scale suite (bench/scale), so that SLOs share
// metrics the way a fleet's do. Each benchmark reports queries/op, the
// queries one cycle sends.
//
//	go test -run '^$' -bench Evaluate -benchmem ./burnrate
//
// The steady cycle runs with the tiles of long windows already built, 30
// simulated seconds after the previous one (a fine tile closes every tenth
// cycle); the first cycle builds the tiles with range queries over the
// whole history, which is a day here, not the 30 days a long-running
// Prometheus holds.

const (
	benchPairs    = 1000
	benchSpans    = 20
	benchHistory  = 26 * time.Hour
	benchCycle    = 30 * time.Second
	benchMaxSteps = 120 // steady cycles before the data runs out
)

var benchThresholds = []int{100, 200, 400, 1000, 2000}

// benchFleet is the engine and the SLO sets, built once per process.
var benchFleet struct {
	once sync.Once
	eng  *prom.Embedded
	at   time.Time
	slos map[int][]*slo.SLO
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchFleet.eng != nil {
		benchFleet.eng.Close()
	}
	os.Exit(code)
}

func fleet(b *testing.B) (*prom.Embedded, time.Time) {
	b.Helper()
	benchFleet.once.Do(func() {
		start := epoch
		benchFleet.at = start.Add(24 * time.Hour)
		benchFleet.eng, benchFleet.err = prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
		if benchFleet.err == nil {
			benchFleet.err = writeFleet(benchFleet.eng, start)
		}
		benchFleet.slos = map[int][]*slo.SLO{}
	})
	if benchFleet.err != nil {
		b.Fatal(benchFleet.err)
	}
	return benchFleet.eng, benchFleet.at
}

// writeFleet appends the fleet's samples, minute by minute.
func writeFleet(eng *prom.Embedded, start time.Time) error {
	var series []labels.Labels
	for p := range benchPairs {
		base := []string{"service_name", fmt.Sprintf("svc-%02d", p/benchSpans), "span_name", fmt.Sprintf("op-%02d", p%benchSpans)}
		for _, status := range []string{"STATUS_CODE_UNSET", "STATUS_CODE_ERROR"} {
			series = append(series, labels.FromStrings(append([]string{"__name__", "traces_span_metrics_calls_total", "status_code", status}, base...)...))
		}
		for _, le := range benchThresholds {
			series = append(series, labels.FromStrings(append([]string{"__name__", "traces_span_metrics_duration_milliseconds_bucket", "le", fmt.Sprint(le)}, base...)...))
		}
		series = append(series, labels.FromStrings(append([]string{"__name__", "traces_span_metrics_duration_milliseconds_count"}, base...)...))
	}
	refs := make([]storage.SeriesRef, len(series))
	ctx := context.Background()
	app := eng.Appender(ctx)
	for m := 0; m <= int(benchHistory/time.Minute); m++ {
		t := start.Add(time.Duration(m) * time.Minute).UnixMilli()
		i := 0
		for p := range benchPairs {
			calls := float64((120 + 60*(p%7)) * m)
			errs := math.Floor(calls * 0.001)
			vals := []float64{calls - errs, errs}
			for k := range benchThresholds {
				vals = append(vals, math.Floor(calls*(0.6+0.08*float64(k))))
			}
			vals = append(vals, calls)
			for _, v := range vals {
				var err error
				if refs[i], err = app.Append(refs[i], series[i], t, v); err != nil {
					return err
				}
				i++
			}
		}
		if m%60 == 59 {
			if err := app.Commit(); err != nil {
				return err
			}
			app = eng.Appender(ctx)
		}
	}
	return app.Commit()
}

// fleetSLOs returns the first n SLOs of the fleet, loaded once.
func fleetSLOs(b *testing.B, n int) []*slo.SLO {
	b.Helper()
	if s, ok := benchFleet.slos[n]; ok {
		return s
	}
	objectives := []float64{99.9, 99.5, 99, 99.95, 99.99}
	var spec strings.Builder
	spec.WriteString("version: burnwatch/v1\nteam: fleet\nslos:\n")
	for i := range n {
		p := i / 10
		svc, span := fmt.Sprintf("svc-%02d", p/benchSpans), fmt.Sprintf("op-%02d", p%benchSpans)
		sel := fmt.Sprintf(`service_name="%s", span_name="%s"`, svc, span)
		if v := i % 10; v < 5 {
			fmt.Fprintf(&spec, "  - name: %s-errors-%d\n    service: %s\n    objective: %g\n    sli:\n      errors:\n        metric: traces_span_metrics_calls_total{%s}\n", span, v, svc, objectives[v], sel)
		} else {
			fmt.Fprintf(&spec, "  - name: %s-latency-%d\n    service: %s\n    objective: 99\n    sli:\n      latency:\n        metric: traces_span_metrics_duration_milliseconds_bucket{%s}\n        threshold: %dms\n", span, v, svc, sel, benchThresholds[v-5])
		}
	}
	set, diags := slo.LoadBytes("fleet.yaml", []byte(spec.String()))
	if len(diags) > 0 {
		b.Fatal(diags)
	}
	benchFleet.slos[n] = set.SLOs
	return set.SLOs
}

func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("slos=%d/cycle=steady", n), func(b *testing.B) { benchSteady(b, n) })
		b.Run(fmt.Sprintf("slos=%d/cycle=first", n), func(b *testing.B) { benchFirst(b, n) })
	}
}

func benchSteady(b *testing.B, n int) {
	eng, at := fleet(b)
	slos := fleetSLOs(b, n)
	ctx := context.Background()
	warm := func() *burnrate.Evaluator {
		ev := burnrate.NewEvaluator(burnrate.Options{})
		mustEvaluate(b, ev.Evaluate(ctx, eng, slos, at))
		return ev
	}
	ev := warm()
	queries := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		step := i%benchMaxSteps + 1
		if step == 1 && i > 0 {
			// The data runs out: start again from warm tiles.
			b.StopTimer()
			ev = warm()
			b.StartTimer()
		}
		res := ev.Evaluate(ctx, eng, slos, at.Add(time.Duration(step)*benchCycle))
		queries += res.Queries
	}
	b.StopTimer()
	b.ReportMetric(float64(queries)/float64(b.N), "queries/op")
}

func benchFirst(b *testing.B, n int) {
	eng, at := fleet(b)
	slos := fleetSLOs(b, n)
	ctx := context.Background()
	queries := 0
	runtime.GC()
	peak := watchHeap()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		res := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(ctx, eng, slos, at)
		queries += res.Queries
	}
	b.StopTimer()
	b.ReportMetric(float64(queries)/float64(b.N), "queries/op")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MiB")
}

// watchHeap samples the bytes of heap objects (live or not yet swept)
// every millisecond until the function it returns is called, which
// returns the most seen: the peak heap of what ran in between, the
// engine's included.
func watchHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var most uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			most = max(most, sample[0].Value.Uint64())
			select {
			case <-stop:
				done <- most
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		return <-done
	}
}

func mustEvaluate(b *testing.B, res burnrate.Result) {
	b.Helper()
	for _, st := range res.Statuses {
		if st.State != burnrate.StateOK {
			b.Fatalf("%s: %s %s", st.SLO.ID, st.State, st.Reason)
		}
	}
}
