package burnrate_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
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

// steadyDay is 28 hours of steady counters on the embedded engine, read
// raw, and an SLO on them.
func steadyDay(t *testing.T) (burnrate.RawQuerier, []*slo.SLO) {
	t.Helper()
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
	return raw, set.SLOs
}

// TestAWarmEvaluatorReadsANewTailTileInsteadOfQueryingTheTail steps an
// evaluator every 30 s for 40 minutes over steady counters, so that the
// tails of its 2h, 6h and 1d windows enter eight new 5-minute tiles each:
// after its first two cycles it sends no difference query of its own, where
// querying a tail the first time it enters a tile cost one per window and
// source every 5 minutes.
func TestAWarmEvaluatorReadsANewTailTileInsteadOfQueryingTheTail(t *testing.T) {
	raw, slos := steadyDay(t)
	ctx := context.Background()
	q := &diffCounter{RawQuerier: raw}
	ev := burnrate.NewEvaluator(burnrate.Options{})
	start := epoch.Add(26*time.Hour + 20*time.Minute)
	for at := start; !at.After(start.Add(40 * time.Minute)); at = at.Add(30 * time.Second) {
		before := q.diffs.Load()
		q.cycle = at
		res := ev.Evaluate(ctx, q, slos, at)
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

// pastReads records, per cycle, which windows' tails read tiles: the
// raw reads that end more than an hour before the cycle, by how far
// before it (fine tiles of the 2h, 6h and 1d windows; coarse ones of
// longer windows).
type pastReads struct {
	burnrate.RawQuerier
	mu      sync.Mutex
	cycle   time.Time
	reads   int
	tilesOf map[string]bool
}

func (p *pastReads) QuerySamples(ctx context.Context, selector string, d time.Duration, at time.Time) (model.Matrix, error) {
	p.mu.Lock()
	if before := p.cycle.Sub(at); before > time.Hour {
		p.reads++
		window := "coarse"
		if before < 48*time.Hour {
			window = burnrate.FormatWindow((before + 50*time.Minute).Truncate(time.Hour))
		}
		p.tilesOf[window] = true
	}
	p.mu.Unlock()
	return p.RawQuerier.QuerySamples(ctx, selector, d, at)
}

// TestTheTailsOfASourcesWindowsReadTheirTilesAtDifferentCycles: the tails
// of the 2h, 6h and 1d windows enter new 5-minute tiles in the same cycle,
// and those of the 3d and 30d windows new coarse ones every hour; after
// the first reads, each fine window reads its next tiles ahead to a grid
// of its own, so that no cycle reads the tiles of two windows.
func TestTheTailsOfASourcesWindowsReadTheirTilesAtDifferentCycles(t *testing.T) {
	raw, slos := steadyDay(t)
	ctx := context.Background()
	q := &pastReads{RawQuerier: raw}
	ev := burnrate.NewEvaluator(burnrate.Options{})
	start := epoch.Add(26*time.Hour + 20*time.Minute)
	cycles := 0
	for at := start; !at.After(start.Add(75 * time.Minute)); at = at.Add(30 * time.Second) {
		q.cycle, q.tilesOf = at, map[string]bool{}
		if res := ev.Evaluate(ctx, q, slos, at); res.QueryErrors > 0 {
			t.Fatalf("at %s: %d queries failed", at.Sub(epoch), res.QueryErrors)
		}
		if len(q.tilesOf) > 0 {
			cycles++
		}
		// The first two cycles query the tails, then read every tile
		// the tails are in.
		if at.Sub(start) >= time.Minute && len(q.tilesOf) > 1 {
			t.Errorf("at %s the tails of several windows read tiles: %v", at.Sub(epoch), q.tilesOf)
		}
	}
	if q.reads == 0 || cycles < 6 {
		t.Errorf("%d tile reads in %d cycles over 75 minutes, want each fine window's twice or more, in cycles of their own", q.reads, cycles)
	}
}
