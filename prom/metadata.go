package prom

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/timestamp"
	"github.com/prometheus/prometheus/storage"
)

// What a Prometheus holds, beyond query answers: the label names and values
// of the series a selector matches, and whether they carry exemplars. The
// data checks (package datacheck) read these to tell a threshold that is
// not a bucket boundary, a selector that matches nothing, or a missing
// error label before they page anyone.

// LabelNames returns the label names of the series that match any of the
// selectors between start and end, sorted.
func (h *HTTP) LabelNames(ctx context.Context, selectors []string, start, end time.Time) ([]string, error) {
	var out []string
	err := h.retry(ctx, fmt.Sprint(selectors), func(ctx context.Context) error {
		names, warnings, err := h.api.LabelNames(ctx, selectors, start, end)
		h.logWarnings(fmt.Sprint(selectors), warnings)
		out = out[:0]
		for _, n := range names {
			out = append(out, string(n))
		}
		return err
	})
	if err != nil {
		err = fmt.Errorf("label names of %q from %s to %s: %w", selectors, formatTime(start), formatTime(end), err)
	}
	return out, h.counters.count(err)
}

// LabelValues returns the values of one label on the series that match any
// of the selectors between start and end, sorted.
func (h *HTTP) LabelValues(ctx context.Context, label string, selectors []string, start, end time.Time) ([]string, error) {
	var out []string
	err := h.retry(ctx, fmt.Sprint(selectors), func(ctx context.Context) error {
		values, warnings, err := h.api.LabelValues(ctx, label, selectors, start, end)
		h.logWarnings(fmt.Sprint(selectors), warnings)
		out = out[:0]
		for _, v := range values {
			out = append(out, string(v))
		}
		return err
	})
	if err != nil {
		err = fmt.Errorf("values of label %s on %q from %s to %s: %w", label, selectors, formatTime(start), formatTime(end), err)
	}
	return out, h.counters.count(err)
}

// ExemplarCount returns how many exemplars the series selected by selector
// carry between start and end; 0 when exemplar storage is off.
func (h *HTTP) ExemplarCount(ctx context.Context, selector string, start, end time.Time) (int, error) {
	n := 0
	err := h.retry(ctx, selector, func(ctx context.Context) error {
		res, err := h.api.QueryExemplars(ctx, selector, start, end)
		n = 0
		for _, r := range res {
			n += len(r.Exemplars)
		}
		return err
	})
	if err != nil {
		err = fmt.Errorf("exemplars of %s from %s to %s: %w", selector, formatTime(start), formatTime(end), err)
	}
	return n, h.counters.count(err)
}

// LabelNames returns the label names of the series that match any of the
// selectors between start and end, sorted.
func (e *Embedded) LabelNames(ctx context.Context, selectors []string, start, end time.Time) ([]string, error) {
	out, err := e.labels(ctx, selectors, start, end, func(q storage.Querier, ms []*labels.Matcher) ([]string, error) {
		names, _, err := q.LabelNames(ctx, nil, ms...)
		return names, err
	})
	if err != nil {
		err = fmt.Errorf("label names of %q from %s to %s: %w", selectors, formatTime(start), formatTime(end), err)
	}
	return out, e.counters.count(err)
}

// LabelValues returns the values of one label on the series that match any
// of the selectors between start and end, sorted.
func (e *Embedded) LabelValues(ctx context.Context, label string, selectors []string, start, end time.Time) ([]string, error) {
	out, err := e.labels(ctx, selectors, start, end, func(q storage.Querier, ms []*labels.Matcher) ([]string, error) {
		values, _, err := q.LabelValues(ctx, label, nil, ms...)
		return values, err
	})
	if err != nil {
		err = fmt.Errorf("values of label %s on %q from %s to %s: %w", label, selectors, formatTime(start), formatTime(end), err)
	}
	return out, e.counters.count(err)
}

// labels runs read for each selector and merges the answers.
func (e *Embedded) labels(ctx context.Context, selectors []string, start, end time.Time, read func(storage.Querier, []*labels.Matcher) ([]string, error)) ([]string, error) {
	q, err := e.db.Querier(timestamp.FromTime(start), timestamp.FromTime(end))
	if err != nil {
		return nil, err
	}
	defer q.Close()
	var out []string
	for _, sel := range selectors {
		ms, err := e.parser.ParseMetricSelector(sel)
		if err != nil {
			return nil, badData(err)
		}
		found, err := read(q, ms)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// ExemplarCount returns how many exemplars the series selected by selector
// carry between start and end.
func (e *Embedded) ExemplarCount(ctx context.Context, selector string, start, end time.Time) (int, error) {
	n, err := e.exemplarCount(ctx, selector, start, end)
	if err != nil {
		err = fmt.Errorf("exemplars of %s from %s to %s: %w", selector, formatTime(start), formatTime(end), err)
	}
	return n, e.counters.count(err)
}

func (e *Embedded) exemplarCount(ctx context.Context, selector string, start, end time.Time) (int, error) {
	ms, err := e.parser.ParseMetricSelector(selector)
	if err != nil {
		return 0, badData(err)
	}
	eq, err := e.db.ExemplarQuerier(ctx)
	if err != nil {
		return 0, err
	}
	found, err := eq.Select(timestamp.FromTime(start), timestamp.FromTime(end), ms)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range found {
		n += len(r.Exemplars)
	}
	return n, nil
}
