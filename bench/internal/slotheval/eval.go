package slotheval

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"

	"github.com/burnwatch/burnwatch/bench/internal/timeline"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/promtest"
)

// parallelism is how many range queries run at once.
const parallelism = 2

// Record evaluates every recording rule that reads raw series at each
// instant of the segments, against src, and writes the recorded series to
// w for a backfill: the rule's record as the name, the answer's labels with
// the rule's labels over them. Instants that two segments share are
// recorded once.
func Record(ctx context.Context, src burnrate.Querier, rules *Rules, segs []timeline.Segment, w *promtest.OpenMetricsWriter) error {
	type series struct {
		name   string
		labels map[string]string
		points map[int64]float64
	}
	var mu sync.Mutex
	all := map[string]*series{}
	err := forEach(ctx, rules.Recording, segs, func(r rulefmt.Rule, seg timeline.Segment) error {
		m, err := src.QueryRange(ctx, r.Expr, burnrate.Range{Start: seg.Start, End: seg.End, Step: seg.Step})
		if err != nil {
			return fmt.Errorf("record %s: %w", r.Record, err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, ss := range m {
			labels := map[string]string{}
			for k, v := range ss.Metric {
				labels[string(k)] = string(v)
			}
			delete(labels, model.MetricNameLabel)
			maps.Copy(labels, r.Labels)
			key := r.Record + labelsKey(labels)
			s, ok := all[key]
			if !ok {
				s = &series{name: r.Record, labels: labels, points: map[int64]float64{}}
				all[key] = s
			}
			for _, p := range ss.Values {
				s.points[int64(p.Timestamp)] = float64(p.Value)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, key := range slices.Sorted(maps.Keys(all)) {
		s := all[key]
		pts := make([]promtest.Point, 0, len(s.points))
		for ts, v := range s.points {
			pts = append(pts, promtest.Point{T: time.UnixMilli(ts), V: v})
		}
		w.WriteGauge(s.name, s.labels, pts)
	}
	return nil
}

// Alerts evaluates every alerting rule at each instant of the segments,
// against dst, which holds the recorded series (and should look back no
// further than the instant itself, --query.lookback-delta=1s, so that a
// rule that recorded nothing at an instant counts as absent, as a live
// staleness marker would make it). It returns each SLO's timeline keyed
// by its sloth_id label; the tier comes from the rule's sloth_severity.
func Alerts(ctx context.Context, dst burnrate.Querier, rules *Rules, segs []timeline.Segment) (map[string]timeline.Timeline, error) {
	var mu sync.Mutex
	out := map[string]timeline.Timeline{}
	err := forEach(ctx, rules.Alerting, segs, func(r rulefmt.Rule, seg timeline.Segment) error {
		sev := r.Labels["sloth_severity"]
		if sev != "page" && sev != "ticket" {
			return fmt.Errorf("alert %s: sloth_severity %q is neither page nor ticket", r.Alert, sev)
		}
		m, err := dst.QueryRange(ctx, r.Expr, burnrate.Range{Start: seg.Start, End: seg.End, Step: seg.Step})
		if err != nil {
			return fmt.Errorf("alert %s (%s): %w", r.Alert, sev, err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, ss := range m {
			id := string(ss.Metric["sloth_id"])
			if out[id] == nil {
				out[id] = timeline.Timeline{}
			}
			for _, p := range ss.Values {
				d := out[id][int64(p.Timestamp)]
				if sev == "page" {
					d.Page = true
				} else {
					d.Ticket = true
				}
				out[id][int64(p.Timestamp)] = d
			}
		}
		return nil
	})
	return out, err
}

// forEach runs f for every rule and segment, a few at a time, and returns
// the first error.
func forEach(ctx context.Context, rules []rulefmt.Rule, segs []timeline.Segment, f func(rulefmt.Rule, timeline.Segment) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		r   rulefmt.Rule
		seg timeline.Segment
	}
	jobs := make(chan job)
	errs := make(chan error, parallelism)
	var wg sync.WaitGroup
	for range parallelism {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if err := f(j.r, j.seg); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
feed:
	for _, r := range rules {
		for _, seg := range segs {
			select {
			case jobs <- job{r, seg}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return ctx.Err()
}

func labelsKey(m map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(&b, "\xff%s=%s", k, m[k])
	}
	return b.String()
}
