package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/secret"
	"github.com/burnwatch/burnwatch/web"
)

// redactedError is an error whose text has the secrets removed. It keeps
// its cause for errors.Is and errors.As; only its text changes.
type redactedError struct {
	text  string
	cause error
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.cause }

func redactErr(r *secret.Redactor, err error) error {
	if err == nil {
		return nil
	}
	text := r.Redact(err.Error())
	if text == err.Error() {
		return err
	}
	return &redactedError{text: text, cause: err}
}

// redactingQuerier removes secrets from a querier's errors, before the
// evaluator turns them into SLO states, alert reasons and log lines.
type redactingQuerier struct {
	q Querier
	r *secret.Redactor
}

func (q redactingQuerier) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	v, err := q.q.Query(ctx, expr, at)
	return v, redactErr(q.r, err)
}

func (q redactingQuerier) QueryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	m, err := q.q.QueryRange(ctx, expr, r)
	return m, redactErr(q.r, err)
}

func (q redactingQuerier) QueryExemplars(ctx context.Context, expr string, start, end time.Time) ([]v1.ExemplarQueryResult, error) {
	e, err := q.q.QueryExemplars(ctx, expr, start, end)
	return e, redactErr(q.r, err)
}

func (q redactingQuerier) LabelNames(ctx context.Context, selectors []string, start, end time.Time) ([]string, error) {
	names, err := q.q.LabelNames(ctx, selectors, start, end)
	return names, redactErr(q.r, err)
}

func (q redactingQuerier) LabelValues(ctx context.Context, label string, selectors []string, start, end time.Time) ([]string, error) {
	values, err := q.q.LabelValues(ctx, label, selectors, start, end)
	return values, redactErr(q.r, err)
}

func (q redactingQuerier) ExemplarCount(ctx context.Context, selector string, start, end time.Time) (int, error) {
	n, err := q.q.ExemplarCount(ctx, selector, start, end)
	return n, redactErr(q.r, err)
}

// redactHandler is a slog.Handler that removes secrets from the message
// and from every string, error and other text attribute of a record.
type redactHandler struct {
	next slog.Handler
	r    *secret.Redactor
}

func (h redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.Redact(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return redactHandler{next: h.next.WithAttrs(clean), r: h.r}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{next: h.next.WithGroup(name), r: h.r}
}

// attr redacts one attribute: strings, errors, anything that renders as
// text, and the attributes of groups.
func (h redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.r.Redact(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = h.attr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.Any(a.Key, redactErr(h.r, x))
		case []string:
			clean := make([]string, len(x))
			for i, s := range x {
				clean[i] = h.r.Redact(s)
			}
			return slog.Any(a.Key, clean)
		case interface{ String() string }:
			return slog.String(a.Key, h.r.Redact(x.String()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// redactSnapshot removes secrets from what the dashboard shows of an
// evaluation: SLO states' reasons, incident summaries and delivery errors
// (stored by the alert manager and the dispatcher, which may predate a
// secret's redaction).
func redactSnapshot(r *secret.Redactor, snap *web.Snapshot) {
	for i := range snap.Statuses {
		snap.Statuses[i].Reason = r.Redact(snap.Statuses[i].Reason)
	}
	for i := range snap.Incidents {
		redactIncident(r, &snap.Incidents[i])
	}
}

func redactIncident(r *secret.Redactor, in *alerting.Incident) {
	in.Summary = r.Redact(in.Summary)
	deliveries := make([]alerting.Delivery, len(in.Deliveries))
	for i, del := range in.Deliveries {
		del.LastError = r.Redact(del.LastError)
		deliveries[i] = del
	}
	in.Deliveries = deliveries
}

// QuerySamples passes a raw read on when the querier can make one.
func (q redactingQuerier) QuerySamples(ctx context.Context, selector string, d time.Duration, at time.Time) (model.Matrix, error) {
	raw, ok := q.q.(burnrate.RawQuerier)
	if !ok {
		return nil, fmt.Errorf("querier %T reads no raw samples", q.q)
	}
	m, err := raw.QuerySamples(ctx, selector, d, at)
	return m, redactErr(q.r, err)
}

// RangeRules reports the querier's range rules, or an error when it reads
// no raw samples: the evaluator then queries its short windows as usual.
func (q redactingQuerier) RangeRules(ctx context.Context) (burnrate.RangeRules, error) {
	raw, ok := q.q.(burnrate.RawQuerier)
	if !ok {
		return burnrate.RangeRules{}, fmt.Errorf("querier %T reads no raw samples", q.q)
	}
	rules, err := raw.RangeRules(ctx)
	return rules, redactErr(q.r, err)
}
