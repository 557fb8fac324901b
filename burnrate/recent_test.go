package burnrate_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
)

// queriesOnly hides a querier's raw reads: the evaluator then queries
// increase() for every direct window, as it does without them.
type queriesOnly struct{ q burnrate.Querier }

func (q queriesOnly) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	return q.q.Query(ctx, expr, at)
}

func (q queriesOnly) QueryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	return q.q.QueryRange(ctx, expr, r)
}

// rawReads counts the raw reads of an engine and may claim other range
// rules than the engine's own.
type rawReads struct {
	queriesOnly
	raw   burnrate.RawQuerier
	rules *burnrate.RangeRules
	reads atomic.Int64
	// longest is the longest span one read asked for.
	longest atomic.Int64
	// cycle is the time of the cycle being evaluated; pastReads counts
	// the reads that ended more than an hour before it (the tiles that
	// tails fall in), ranges the range queries.
	cycle     time.Time
	pastReads atomic.Int64
	ranges    atomic.Int64
	// tails counts the difference queries at the cycle's time: tails
	// queried on their own.
	tails atomic.Int64
}

func (r *rawReads) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	if strings.Contains(expr, "last_over_time(") && at.Equal(r.cycle) {
		r.tails.Add(1)
	}
	return r.queriesOnly.Query(ctx, expr, at)
}

func (r *rawReads) QueryRange(ctx context.Context, expr string, rg burnrate.Range) (model.Matrix, error) {
	r.ranges.Add(1)
	return r.queriesOnly.QueryRange(ctx, expr, rg)
}

func (r *rawReads) QuerySamples(ctx context.Context, selector string, d time.Duration, at time.Time) (model.Matrix, error) {
	r.reads.Add(1)
	if at.Before(r.cycle.Add(-time.Hour)) {
		r.pastReads.Add(1)
	}
	if int64(d) > r.longest.Load() {
		r.longest.Store(int64(d))
	}
	return r.raw.QuerySamples(ctx, selector, d, at)
}

func (r *rawReads) RangeRules(ctx context.Context) (burnrate.RangeRules, error) {
	if r.rules != nil {
		return *r.rules, nil
	}
	return r.raw.RangeRules(ctx)
}

// scrapedSeries is a counter as a scraper sees it: scraped every interval
// with a few milliseconds of jitter, ingested delay after its timestamp,
// with resets, missed scrapes and stale markers at given scrapes, and no
// samples outside [begin, end).
type scrapedSeries struct {
	labels     labels.Labels
	interval   time.Duration
	delay      time.Duration
	begin, end time.Duration
	perScrape  float64
	events     map[int]string
}

type sample struct {
	t time.Time
	v float64
}

func (s scrapedSeries) samples() []sample {
	var out []sample
	total := 0.0
	for k := 0; ; k++ {
		off := time.Duration(k) * s.interval
		if off >= s.end {
			return out
		}
		total += s.perScrape * float64(1+k%3)
		if off < s.begin {
			continue
		}
		jitter := time.Duration((k*7919+int(s.perScrape)*104729)%2500) * time.Millisecond
		t := epoch.Add(off + jitter)
		switch s.events[k] {
		case "reset":
			total = s.perScrape / 2
		case "gap":
			continue
		case "stale":
			out = append(out, sample{t, math.Float64frombits(value.StaleNaN)})
			continue
		}
		out = append(out, sample{t, total})
	}
}

// feed appends every sample whose ingestion time (its timestamp plus the
// series' delay) is at or before now and was not appended yet.
type feed struct {
	series []scrapedSeries
	all    [][]sample
	next   []int
}

func newFeed(series []scrapedSeries) *feed {
	f := &feed{series: series, next: make([]int, len(series))}
	for _, s := range series {
		f.all = append(f.all, s.samples())
	}
	return f
}

func (f *feed) until(t *testing.T, eng *prom.Embedded, now time.Time) {
	t.Helper()
	app := eng.Appender(context.Background())
	for i, s := range f.series {
		for ; f.next[i] < len(f.all[i]); f.next[i]++ {
			p := f.all[i][f.next[i]]
			if p.t.Add(s.delay).After(now) {
				break
			}
			if _, err := app.Append(0, s.labels, p.t.UnixMilli(), p.v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := app.Commit(); err != nil {
		t.Fatal(err)
	}
}

// recentSeriesUnderTest are counters that reset, appear, vanish, miss
// scrapes, go stale and come back, scrape at other intervals, and arrive
// late, several of them under one SLO.
func recentSeriesUnderTest() []scrapedSeries {
	m := time.Minute
	calls := func(service, span, status string) labels.Labels {
		return labels.FromStrings("__name__", "traces_span_metrics_calls_total", "service_name", service, "span_name", span, "status_code", status)
	}
	every := func(from, to int, what string) map[int]string {
		out := map[int]string{}
		for k := from; k < to; k++ {
			out[k] = what
		}
		return out
	}
	end := 4 * time.Hour
	return []scrapedSeries{
		{calls("steady", "GET", "STATUS_CODE_UNSET"), m, 0, 0, end, 100, nil},
		{calls("steady", "GET", "STATUS_CODE_ERROR"), m, 0, 0, end, 1, nil},
		{calls("steady", "POST", "STATUS_CODE_UNSET"), m, 0, 0, end, 40, nil},
		{calls("resets", "GET", "STATUS_CODE_UNSET"), m, 0, 0, end, 90, map[int]string{100: "reset", 131: "reset", 150: "reset", 151: "reset"}},
		{calls("resets", "GET", "STATUS_CODE_ERROR"), m, 0, 0, end, 3, map[int]string{120: "reset"}},
		// Appears in the middle, vanishes in the middle.
		{calls("comings", "GET", "STATUS_CODE_UNSET"), m, 0, 0, end, 50, nil},
		{calls("comings", "GET", "STATUS_CODE_ERROR"), m, 0, 110 * m, end, 2, nil},
		{calls("comings", "POST", "STATUS_CODE_UNSET"), m, 0, 125 * m, 127 * m, 20, nil},
		{calls("goings", "GET", "STATUS_CODE_UNSET"), m, 0, 0, end, 50, nil},
		{calls("goings", "GET", "STATUS_CODE_ERROR"), m, 0, 0, 105 * m, 2, nil},
		// Missed scrapes, shorter and longer than the lookback, stale
		// markers and a comeback.
		{calls("gaps", "GET", "STATUS_CODE_UNSET"), m, 0, 0, end, 80, every(95, 98, "gap")},
		{calls("gaps", "GET", "STATUS_CODE_ERROR"), m, 0, 0, end, 1, every(112, 121, "gap")},
		{calls("gaps", "POST", "STATUS_CODE_UNSET"), m, 0, 0, end, 30, map[int]string{118: "stale", 119: "gap", 120: "gap", 121: "gap", 122: "gap", 123: "gap", 124: "gap", 125: "gap"}},
		// Other scrape intervals.
		{calls("fast", "GET", "STATUS_CODE_UNSET"), 15 * time.Second, 0, 0, end, 25, nil},
		{calls("fast", "GET", "STATUS_CODE_ERROR"), 15 * time.Second, 0, 0, end, 1, map[int]string{450: "reset"}},
		{calls("slow", "GET", "STATUS_CODE_UNSET"), 2 * m, 0, 0, end, 200, nil},
		{calls("slow", "GET", "STATUS_CODE_ERROR"), 2 * m, 0, 0, end, 5, every(55, 58, "gap")},
		// Sampled further apart than the lookback.
		{calls("sparse", "GET", "STATUS_CODE_UNSET"), 10 * m, 0, 0, end, 900, nil},
		{calls("sparse", "GET", "STATUS_CODE_ERROR"), 7 * m, 0, 0, end, 9, map[int]string{20: "reset"}},
		// Further apart than a lookback and a fine tile: a coarse tail's
		// last sample before a step may be older than the tile's start
		// by more than that.
		{calls("sparser", "GET", "STATUS_CODE_UNSET"), 20 * m, 0, 0, end, 1500, nil},
		{calls("sparser", "GET", "STATUS_CODE_ERROR"), 25 * m, 0, 0, end, 12, nil},
		// Ingested late: a scrape's timestamp is when it started.
		{calls("late", "GET", "STATUS_CODE_UNSET"), m, 20 * time.Second, 0, end, 70, nil},
		{calls("late", "GET", "STATUS_CODE_ERROR"), m, 50 * time.Second, 0, end, 4, map[int]string{115: "reset"}},
	}
}

func recentSLOs(t *testing.T, series []scrapedSeries) []*slo.SLO {
	t.Helper()
	var spec strings.Builder
	spec.WriteString("version: burnwatch/v1\nteam: checkout\nslos:\n")
	seen := map[string]bool{}
	for _, s := range series {
		service := s.labels.Get("service_name")
		if seen[service] {
			continue
		}
		seen[service] = true
		fmt.Fprintf(&spec, "  - name: availability\n    service: %s\n    objective: 99\n    sli:\n      errors:\n        metric: traces_span_metrics_calls_total{service_name=%q}\n", service, service)
	}
	set, diags := slo.LoadBytes("spec.yaml", []byte(spec.String()))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return set.SLOs
}

// stepBoth steps an evaluator that reads raw samples and one that queries
// increase() through the same cycles, feeding the engine as time passes,
// and returns how many window values differed and were compared.
func stepBoth(t *testing.T, raw *rawReads, eng *prom.Embedded, f *feed, slos []*slo.SLO, opts burnrate.Options, from, to, step time.Duration, report bool) (differ, compared int) {
	t.Helper()
	ctx := context.Background()
	incremental := burnrate.NewEvaluator(opts)
	queried := burnrate.NewEvaluator(opts)
	for at := epoch.Add(from); !at.After(epoch.Add(to)); at = at.Add(step) {
		f.until(t, eng, at)
		raw.cycle = at
		a := incremental.Evaluate(ctx, raw, slos, at)
		b := queried.Evaluate(ctx, queriesOnly{eng}, slos, at)
		for i := range a.Statuses {
			sa, sb := a.Statuses[i], b.Statuses[i]
			if sa.State != sb.State || sa.Reason != sb.Reason {
				t.Fatalf("%s at %s: state %s (%s) from raw samples, %s (%s) from queries", sa.SLO.ID, at.Sub(epoch), sa.State, sa.Reason, sb.State, sb.Reason)
			}
			for j, wa := range sa.Windows {
				wb := sb.Windows[j]
				compared++
				if !closeTo(wa.Valid, wb.Valid) || !closeTo(wa.Good, wb.Good) || wa.NoData != wb.NoData {
					differ++
					if report {
						t.Errorf("%s at %s over %s: valid %v good %v no data %v from raw samples, valid %v good %v no data %v from queries",
							sa.SLO.ID, at.Sub(epoch), burnrate.FormatWindow(wa.Window), wa.Valid, wa.Good, wa.NoData, wb.Valid, wb.Good, wb.NoData)
					}
				}
			}
		}
	}
	return differ, compared
}

func newEmptyEngine(t *testing.T) *prom.Embedded {
	t.Helper()
	e, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// TestRawSamplesAnswerWhatIncreaseAnswers steps two evaluators through the
// same cycles, one computing the 5m, 30m and 1h windows and the head of the
// tiled ones from raw samples it keeps, and one querying increase() and the
// head's differences, over series that reset,
// appear, vanish, miss scrapes, go stale, scrape at other intervals and
// arrive late: every window value must agree. Each series' increase is
// computed with the engine's own operations, so it is equal to the bit;
// only the sums by key may differ in the last bits (the engine adds series
// in its own order, with compensated summation), hence a relative 1e-9.
func TestRawSamplesAnswerWhatIncreaseAnswers(t *testing.T) {
	series := recentSeriesUnderTest()
	eng := newEmptyEngine(t)
	raw := &rawReads{queriesOnly: queriesOnly{eng}, raw: eng}
	differ, compared := stepBoth(t, raw, eng, newFeed(series), recentSLOs(t, series), burnrate.Options{}, 80*time.Minute, 160*time.Minute, 30*time.Second, true)
	if differ > 0 {
		t.Errorf("%d of %d window values differ", differ, compared)
	}
	cycles := int64(161)
	if raw.reads.Load() < cycles {
		t.Fatalf("%d raw reads over %d cycles: the raw samples were not used", raw.reads.Load(), cycles)
	}
	if got, most := time.Duration(raw.longest.Load()), time.Hour; got > most {
		t.Errorf("the longest read asked for %s, want at most %s", got, most)
	}
	t.Logf("%d window values equal", compared)
}

// TestRawSamplesNeedTheEngineRangeRules shows that the comparison above
// can fail: claiming that the engine includes a sample at a range's start
// (the Prometheus 2 rule) makes windows whose start falls on a sample
// differ from the embedded engine (Prometheus 3) answers.
func TestRawSamplesNeedTheEngineRangeRules(t *testing.T) {
	m := time.Minute
	onGrid := []scrapedSeries{
		{labels.FromStrings("__name__", "traces_span_metrics_calls_total", "service_name", "grid", "status_code", "STATUS_CODE_UNSET"), m, 0, 0, 3 * time.Hour, 100, nil},
		{labels.FromStrings("__name__", "traces_span_metrics_calls_total", "service_name", "grid", "status_code", "STATUS_CODE_ERROR"), m, 0, 0, 3 * time.Hour, 7, nil},
	}
	eng := newEmptyEngine(t)
	f := newFeed(onGrid)
	// Samples exactly on the minute, where 30-second cycles start windows.
	for i := range f.all {
		for j := range f.all[i] {
			f.all[i][j].t = f.all[i][j].t.Truncate(time.Minute)
		}
	}
	wrong := burnrate.RangeRules{IncludesStart: true}
	raw := &rawReads{queriesOnly: queriesOnly{eng}, raw: eng, rules: &wrong}
	differ, compared := stepBoth(t, raw, eng, f, recentSLOs(t, onGrid), burnrate.Options{}, 70*time.Minute, 90*time.Minute, 30*time.Second, false)
	if differ == 0 {
		t.Fatalf("all %d window values agree with the wrong range rules: the comparison cannot tell", compared)
	}
}

// TestTilesFromRawSamplesAnswerWhatQueriesAnswer steps the two evaluators
// while the tails of the 2h windows cross the resets, comings, goings,
// gaps and stale markers of the series under test: one evaluator computes
// the new fine tiles and the tiles its tails fall in from raw samples,
// the other queries them. With fine tiles reaching back 30 minutes and
// coarse tiles of 30 minutes, the tails fall in coarse tiles. After its
// first cycle, the raw evaluator sends no range query and queries no
// tail on its own.
func TestTilesFromRawSamplesAnswerWhatQueriesAnswer(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts burnrate.Options
	}{
		{"tails in fine tiles", burnrate.Options{}},
		{"tails in coarse tiles", burnrate.Options{FineSpan: 30 * time.Minute, CoarseTile: 30 * time.Minute}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			series := recentSeriesUnderTest()
			eng := newEmptyEngine(t)
			raw := &rawReads{queriesOnly: queriesOnly{eng}, raw: eng}
			first := 200 * time.Minute
			slos := recentSLOs(t, series)
			differ, compared := stepBoth(t, raw, eng, newFeed(series), slos, tc.opts, first, first, time.Minute, true)
			ranges, tails := raw.ranges.Load(), raw.tails.Load()
			d, c := stepBoth(t, raw, eng, newFeed(series), slos, tc.opts, first, 280*time.Minute, 30*time.Second, true)
			differ, compared = differ+d, compared+c
			if differ > 0 {
				t.Errorf("%d of %d window values differ", differ, compared)
			}
			if raw.pastReads.Load() == 0 {
				t.Error("no raw read of a tile that a tail falls in")
			}
			// The second stepping repeats the first cycle.
			if n := raw.ranges.Load() - 2*ranges; n > 0 {
				t.Errorf("%d range queries after the first cycle, want none", n)
			}
			// The first cycle queries its tails; the second reads their
			// tiles, new series in them included, and later cycles read
			// what they need.
			if n := raw.tails.Load() - 2*tails; n > 0 {
				t.Errorf("%d tails queried on their own after the first cycle, want none", n)
			}
			t.Logf("%d window values equal, %d raw reads of past tiles", compared, raw.pastReads.Load())
		})
	}
}
