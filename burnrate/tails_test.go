package burnrate_test

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// countingEngine counts the queries sent to an engine and the points they
// answered, and keeps the most points one answer held.
type countingEngine struct {
	q                                   burnrate.Querier
	queries, unsteady, points, mostHeld atomic.Int64
}

func (c *countingEngine) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	c.queries.Add(1)
	v, err := c.q.Query(ctx, expr, at)
	c.held(int64(len(v)))
	return v, err
}

func (c *countingEngine) QueryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	c.queries.Add(1)
	if strings.Contains(expr, " unless ") {
		c.unsteady.Add(1)
	}
	m, err := c.q.QueryRange(ctx, expr, r)
	n := 0
	for _, s := range m {
		n += len(s.Values)
	}
	c.held(int64(n))
	return m, err
}

func (c *countingEngine) held(n int64) {
	c.points.Add(n)
	for {
		most := c.mostHeld.Load()
		if n <= most || c.mostHeld.CompareAndSwap(most, n) {
			return
		}
	}
}

// unsteadyCounter renders a counter scraped every minute, with its
// irregularities: "reset" restarts it from zero, "gap" omits the sample,
// "stale" marks the series stale, and minutes before begin or from end
// on have no sample.
func unsteadyCounter(minutes, begin, end int, perMinute float64, events map[int]string) string {
	var b strings.Builder
	total := 0.0
	for m := range minutes {
		total += perMinute
		switch {
		case m < begin || m >= end:
			b.WriteString("_ ")
			continue
		case events[m] == "reset":
			total = 0
		case events[m] == "gap":
			b.WriteString("_ ")
			continue
		case events[m] == "stale":
			b.WriteString("stale ")
			continue
		}
		b.WriteString(strconv.FormatFloat(total, 'f', -1, 64) + " ")
	}
	return b.String()
}

func rangeEvents(from, to int, what string, into map[int]string) map[int]string {
	for m := from; m < to; m++ {
		into[m] = what
	}
	return into
}

// TestKeptTailsAnswerWhatTheirQueriesAnswer steps two evaluators through
// the same cycles, one keeping the tails of its tiled windows and one
// querying them, over series that reset, appear, vanish, miss scrapes and
// go stale where the tails of the 2h, 6h and 1d windows pass: every number
// must agree, and the kept tails must have saved queries.
func TestKeptTailsAnswerWhatTheirQueriesAnswer(t *testing.T) {
	minutes := 28 * 60
	h := func(hours float64) int { return int(hours * 60) }
	type line struct {
		service, status string
		begin, end      int
		perMinute       float64
		events          map[int]string
	}
	lines := []line{
		{"steady", "STATUS_CODE_UNSET", 0, minutes, 100, nil},
		{"steady", "STATUS_CODE_ERROR", 0, minutes, 1, nil},
		// Resets where the 2h, 6h and 1d tails pass.
		{"resets", "STATUS_CODE_UNSET", 0, minutes, 100, map[int]string{h(24.6): "reset", h(20.55): "reset", h(2.6) + 2: "reset"}},
		{"resets", "STATUS_CODE_ERROR", 0, minutes, 3, map[int]string{h(24.7): "reset"}},
		// A failing span kind that appears, and one that vanishes.
		{"comings", "STATUS_CODE_UNSET", 0, minutes, 50, nil},
		{"comings", "STATUS_CODE_ERROR", h(24.55), minutes, 2, nil},
		{"goings", "STATUS_CODE_UNSET", 0, minutes, 50, nil},
		{"goings", "STATUS_CODE_ERROR", 0, h(20.6), 2, nil},
		// Missed scrapes, shorter and longer than the lookback, and a
		// stale marker.
		{"gaps", "STATUS_CODE_UNSET", 0, minutes, 80, rangeEvents(h(24.5), h(24.5)+3, "gap", rangeEvents(h(20.5), h(20.5)+7, "gap", map[int]string{h(2.55): "stale"}))},
		{"gaps", "STATUS_CODE_ERROR", 0, minutes, 1, rangeEvents(h(2.6), h(2.6)+6, "gap", map[int]string{})},
	}
	var series strings.Builder
	services := map[string]bool{}
	var spec strings.Builder
	spec.WriteString("version: burnwatch/v1\nteam: checkout\nslos:\n")
	for _, l := range lines {
		fmt.Fprintf(&series, "traces_span_metrics_calls_total{service_name=%q,status_code=%q} %s\n", l.service, l.status, unsteadyCounter(minutes, l.begin, l.end, l.perMinute, l.events))
		if !services[l.service] {
			services[l.service] = true
			fmt.Fprintf(&spec, "  - name: availability\n    service: %s\n    objective: 99\n    sli:\n      errors:\n        metric: traces_span_metrics_calls_total{service_name=%q}\n", l.service, l.service)
		}
	}
	eng := newEngine(t, series.String())
	set, diags := slo.LoadBytes("spec.yaml", []byte(spec.String()))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	ctx := context.Background()
	kept, queried := &countingEngine{q: eng}, &countingEngine{q: eng}
	withTails := burnrate.NewEvaluator(burnrate.Options{})
	without := burnrate.NewEvaluator(burnrate.Options{TailStep: -1})
	compared := 0
	for at := epoch.Add(26*time.Hour + 20*time.Minute); !at.After(epoch.Add(27*time.Hour + 5*time.Minute)); at = at.Add(30 * time.Second) {
		a := withTails.Evaluate(ctx, kept, set.SLOs, at)
		b := without.Evaluate(ctx, queried, set.SLOs, at)
		for i := range a.Statuses {
			sa, sb := a.Statuses[i], b.Statuses[i]
			if sa.State != sb.State || sa.Reason != sb.Reason {
				t.Fatalf("%s at %s: state %s (%s) with kept tails, %s (%s) with queried ones", sa.SLO.ID, at.Sub(epoch), sa.State, sa.Reason, sb.State, sb.Reason)
			}
			for j, wa := range sa.Windows {
				wb := sb.Windows[j]
				if !closeTo(wa.Valid, wb.Valid) || !closeTo(wa.Good, wb.Good) || wa.NoData != wb.NoData {
					t.Errorf("%s at %s over %s: valid %v good %v with kept tails, valid %v good %v with queried ones",
						sa.SLO.ID, at.Sub(epoch), burnrate.FormatWindow(wa.Window), wa.Valid, wa.Good, wb.Valid, wb.Good)
				}
				compared++
			}
		}
	}
	if kept.unsteady.Load() == 0 {
		t.Fatal("no tail was kept: the comparison compared the query with itself")
	}
	if kept.queries.Load() >= queried.queries.Load() {
		t.Errorf("kept tails sent %d queries, queried tails %d: keeping them should save queries", kept.queries.Load(), queried.queries.Load())
	}
	t.Logf("%d window values equal; %d queries with kept tails, %d without", compared, kept.queries.Load(), queried.queries.Load())
}

// closeTo says whether two event counts are equal but for float rounding.
func closeTo(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}
