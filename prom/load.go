package prom

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/timestamp"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/storage"
)

// Load appends series written in the notation of promqltest's load command,
// one series per line:
//
//	http_requests_total{code="500"} 0+10x60
//	latency_bucket{le="0.5"}        0 1 2 _ 4
//
// The i-th value of every series lands at start + i*interval; "_" skips a
// step and "stale" writes a staleness marker. Blank lines and lines that
// start with # are ignored. Samples go in in time order across all series,
// in one transaction: either all are stored or none.
func (e *Embedded) Load(ctx context.Context, start time.Time, interval time.Duration, text string) error {
	if err := e.load(ctx, start, interval, text); err != nil {
		return fmt.Errorf("load series at %s every %s: %w", formatTime(start), interval, err)
	}
	return nil
}

// loadSeries is one parsed line of Load's input.
type loadSeries struct {
	labels labels.Labels
	values []parser.SequenceValue
	ref    storage.SeriesRef
}

func (e *Embedded) load(ctx context.Context, start time.Time, interval time.Duration, text string) error {
	if interval <= 0 {
		return fmt.Errorf("interval %s is not positive", interval)
	}
	var series []*loadSeries
	steps := 0
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ls, values, err := e.parser.ParseSeriesDesc(line)
		if err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
		series = append(series, &loadSeries{labels: ls, values: values})
		steps = max(steps, len(values))
	}

	app := e.db.Appender(ctx)
	for step := range steps {
		t := timestamp.FromTime(start.Add(time.Duration(step) * interval))
		for _, s := range series {
			if step >= len(s.values) || s.values[step].Omitted {
				continue
			}
			var err error
			if h := s.values[step].Histogram; h != nil {
				s.ref, err = app.AppendHistogram(s.ref, s.labels, t, nil, h)
			} else {
				s.ref, err = app.Append(s.ref, s.labels, t, s.values[step].Value)
			}
			if err != nil {
				return errors.Join(fmt.Errorf("append %s at %s: %w", s.labels, formatTime(timestamp.Time(t)), err), app.Rollback())
			}
		}
	}
	if err := app.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
