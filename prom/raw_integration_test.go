package prom_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/promtest"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
)

// queriesOnly hides a querier's raw reads, so that an evaluator queries
// increase() for every window.
type queriesOnly struct{ q burnrate.Querier }

func (q queriesOnly) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	return q.q.Query(ctx, expr, at)
}

func (q queriesOnly) QueryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	return q.q.QueryRange(ctx, expr, r)
}

// claimedRules reads raw samples from a server but claims other range
// rules than the server's.
type claimedRules struct {
	*prom.HTTP
	rules burnrate.RangeRules
}

func (c claimedRules) RangeRules(context.Context) (burnrate.RangeRules, error) { return c.rules, nil }

// rawHistory is four hours of counters ending at now, scraped every
// minute: some exactly on the minute (where 30-second cycles start
// windows), some a few milliseconds off; one resets, one misses scrapes,
// one appears with a first value close to zero, where Prometheus 2 and 3
// extrapolate differently. Each happens twice: in the last half hour, for
// the short windows and the head, and two hours before, where the tails
// of the 2h windows fall.
func rawHistory(now time.Time) string {
	var w promtest.OpenMetricsWriter
	counter := func(service, status string, jitter bool, perMinute, first float64, from int, events map[int]string) {
		var ps []promtest.Point
		v := first
		for i := from; i < 240; i++ {
			t := now.Add(-time.Duration(240-i) * time.Minute)
			if jitter {
				t = t.Add(time.Duration((i*7919)%2300) * time.Millisecond)
			}
			switch events[i] {
			case "reset":
				v = perMinute / 3
			case "gap":
				v += perMinute
				continue
			}
			ps = append(ps, promtest.Point{T: t, V: v})
			v += perMinute * float64(1+i%3)
		}
		w.WriteCounter("traces_span_metrics_calls_total", map[string]string{"service_name": service, "status_code": status}, ps)
	}
	counter("grid", "STATUS_CODE_UNSET", false, 100, 0, 0, nil)
	counter("grid", "STATUS_CODE_ERROR", false, 3, 0, 0, map[int]string{95: "reset", 215: "reset"})
	counter("jitter", "STATUS_CODE_UNSET", true, 80, 0, 0, map[int]string{100: "gap", 101: "gap", 102: "gap", 220: "gap", 221: "gap", 222: "gap"})
	counter("jitter", "STATUS_CODE_ERROR", true, 5, 0, 0, nil)
	counter("new", "STATUS_CODE_UNSET", false, 60, 0, 0, nil)
	counter("new", "STATUS_CODE_ERROR", false, 10, 8, 216, nil)
	counter("early", "STATUS_CODE_UNSET", true, 30, 0, 0, nil)
	counter("early", "STATUS_CODE_ERROR", true, 2, 1, 98, nil)
	text, _ := w.Text()
	return text
}

func rawSLOs(t *testing.T) []*slo.SLO {
	var spec strings.Builder
	spec.WriteString("version: burnwatch/v1\nteam: checkout\nslos:\n")
	for _, service := range []string{"grid", "jitter", "new", "early"} {
		fmt.Fprintf(&spec, "  - name: availability\n    service: %s\n    objective: 99\n    sli:\n      errors:\n        metric: traces_span_metrics_calls_total{service_name=%q}\n", service, service)
	}
	set, diags := slo.LoadBytes("spec.yaml", []byte(spec.String()))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return set.SLOs
}

// differences steps an evaluator reading raw samples through q and one
// querying increase() through plain, and counts the window values
// that differ (relative 1e-9: the server sums series in its own order).
func differences(t *testing.T, q, plain burnrate.Querier, slos []*slo.SLO, opts burnrate.Options, from, to time.Time) (differ, compared int, log []string) {
	ctx := context.Background()
	incremental := burnrate.NewEvaluator(opts)
	queried := burnrate.NewEvaluator(opts)
	for at := from; !at.After(to); at = at.Add(30 * time.Second) {
		a := incremental.Evaluate(ctx, q, slos, at)
		b := queried.Evaluate(ctx, queriesOnly{plain}, slos, at)
		for i := range a.Statuses {
			sa, sb := a.Statuses[i], b.Statuses[i]
			if sa.State == burnrate.StateError || sb.State == burnrate.StateError {
				t.Fatalf("%s at %s: %s / %s", sa.SLO.ID, at, sa.Reason, sb.Reason)
			}
			for j, wa := range sa.Windows {
				wb := sb.Windows[j]
				compared++
				same := func(x, y float64) bool {
					return (math.IsNaN(x) && math.IsNaN(y)) || math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y))
				}
				if !same(wa.Valid, wb.Valid) || !same(wa.Good, wb.Good) {
					differ++
					log = append(log, fmt.Sprintf("%s at %s over %s: valid %v good %v from raw samples, valid %v good %v from increase()",
						sa.SLO.ID, at.Format(time.TimeOnly), burnrate.FormatWindow(wa.Window), wa.Valid, wa.Good, wb.Valid, wb.Good))
				}
			}
		}
	}
	return differ, compared, log
}

// TestRawSamplesAgainstRealPrometheus2 checks the range rules read from a
// real Prometheus 2.42 (a range includes a sample at its start; the
// extrapolation is limited at the zero point before the threshold) by
// computing the short windows, the head of the long ones, their new fine
// tiles and the tiles their tails fall in from raw samples and comparing
// them with the server's own increase() and difference queries; claiming Prometheus 3's rules instead must make
// them differ.
func TestRawSamplesAgainstRealPrometheus2(t *testing.T) {
	now := time.Now().Truncate(time.Minute).Add(-time.Minute)
	server := promtest.Start(t, promtest.Options{Backfill: rawHistory(now)})
	remote, err := prom.NewHTTP(prom.HTTPOptions{URL: server.URL, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := remote.RangeRules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := (burnrate.RangeRules{IncludesStart: true, ZeroFirst: true}); rules != want {
		t.Fatalf("range rules of Prometheus 2.42: got %+v, want %+v", rules, want)
	}
	slos := rawSLOs(t)
	from, to := now.Add(-35*time.Minute), now.Add(-5*time.Minute)

	// With fine tiles over the last 30 minutes and coarse ones of 30
	// minutes, the 2h windows' tails fall in coarse tiles.
	for _, opts := range []burnrate.Options{{}, {FineSpan: 30 * time.Minute, CoarseTile: 30 * time.Minute}} {
		differ, compared, log := differences(t, remote, remote, slos, opts, from, to)
		for _, l := range log {
			t.Error(l)
		}
		t.Logf("%d of %d window values differ with the server's rules (options %+v)", differ, compared, opts)
	}

	for _, wrong := range []burnrate.RangeRules{{IncludesStart: false, ZeroFirst: true}, {IncludesStart: true, ZeroFirst: false}} {
		differ, compared, _ := differences(t, claimedRules{remote, wrong}, remote, slos, burnrate.Options{}, from, to)
		if differ == 0 {
			t.Errorf("claiming %+v, all %d window values still agree: the comparison cannot tell the rules apart", wrong, compared)
		}
	}
}
