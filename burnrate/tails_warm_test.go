package burnrate_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// diffCounter counts the instant difference queries evaluated at the
// cycle's time: a tail or the head queried on its own (a new tile is read
// at its own end, before the cycle's time).
type diffCounter struct {
	burnrate.RawQuerier
	cycle time.Time
	diffs atomic.Int64
}

func (d *diffCounter) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	if strings.Contains(expr, "last_over_time(") && at.Equal(d.cycle) {
		d.diffs.Add(1)
	}
	return d.RawQuerier.Query(ctx, expr, at)
}

// TestAWarmEvaluatorReadsANewTailTileInsteadOfQueryingTheTail steps an
// evaluator every 30 s for 40 minutes over steady counters, so that the
// tails of its 2h, 6h and 1d windows enter eight new 5-minute tiles each:
// after its first two cycles it sends no difference query of its own, where
// querying a tail the first time it enters a tile cost one per window and
// source every 5 minutes.
func TestAWarmEvaluatorReadsANewTailTileInsteadOfQueryingTheTail(t *testing.T) {
	minutes := 28 * 60
	var series strings.Builder
	for _, status := range []string{"STATUS_CODE_UNSET", "STATUS_CODE_ERROR"} {
		fmt.Fprintf(&series, "traces_span_metrics_calls_total{service_name=\"steady\",status_code=%q} %s\n", status, unsteadyCounter(minutes, 0, minutes, 10, nil))
	}
	eng := newEngine(t, series.String())
	raw, ok := burnrate.Querier(eng).(burnrate.RawQuerier)
	if !ok {
		t.Fatal("the embedded engine reads no raw samples")
	}
	set, diags := slo.LoadBytes("spec.yaml", []byte("version: burnwatch/v1\nteam: checkout\nslos:\n  - name: availability\n    service: steady\n    objective: 99\n    sli:\n      errors:\n        metric: traces_span_metrics_calls_total{service_name=\"steady\"}\n"))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	ctx := context.Background()
	q := &diffCounter{RawQuerier: raw}
	ev := burnrate.NewEvaluator(burnrate.Options{})
	start := epoch.Add(26*time.Hour + 20*time.Minute)
	for at := start; !at.After(start.Add(40 * time.Minute)); at = at.Add(30 * time.Second) {
		before := q.diffs.Load()
		q.cycle = at
		res := ev.Evaluate(ctx, q, set.SLOs, at)
		if res.QueryErrors > 0 {
			t.Fatalf("at %s: %d queries failed", at.Sub(epoch), res.QueryErrors)
		}
		if n := q.diffs.Load() - before; at.Sub(start) >= time.Minute && n > 0 {
			t.Errorf("at %s the warm evaluator sent %d difference queries, want 0", at.Sub(epoch), n)
		}
	}
	if q.diffs.Load() == 0 {
		t.Fatal("no difference query at all: the first cycle should query its tails")
	}
}
