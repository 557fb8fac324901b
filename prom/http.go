package prom

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/config"
	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
)

// HTTP is a burnrate.Querier over the Prometheus HTTP API. It works with
// any server that speaks that API: Prometheus, Thanos, Mimir,
// VictoriaMetrics. It is safe for concurrent use.
type HTTP struct {
	opts     HTTPOptions
	api      v1.API
	client   api.Client
	counters queryCounters
	rules    engineVersion
}

var _ burnrate.Querier = (*HTTP)(nil)

// NewHTTP returns a querier for the API at opts.URL. It checks the options
// and that secret files and variables exist, but does not contact the server.
func NewHTTP(opts HTTPOptions) (*HTTP, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("new HTTP querier: %w", err)
	}
	where := redactedURL(opts.URL)
	cfg, err := opts.clientConfig()
	if err != nil {
		return nil, fmt.Errorf("new HTTP querier for %s: %w", where, err)
	}
	rt, err := config.NewRoundTripperFromConfig(cfg, "burnwatch",
		config.WithSecretManager(envSecrets{}),
		config.WithUserAgent("burnwatch"))
	if err != nil {
		return nil, fmt.Errorf("new HTTP querier for %s: %w", where, err)
	}
	client, err := api.NewClient(api.Config{Address: opts.URL, RoundTripper: rt})
	if err != nil {
		return nil, fmt.Errorf("new HTTP querier for %s: %w", where, err)
	}
	sc := statusClient{client}
	return &HTTP{opts: opts, api: v1.NewAPI(sc), client: sc}, nil
}

// Query evaluates expr at the given time. A scalar answer becomes a vector
// of one sample with no labels; a matrix or string answer is an error.
func (h *HTTP) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	var value model.Value
	err := h.retry(ctx, expr, func(ctx context.Context) error {
		v, warnings, err := h.api.Query(ctx, expr, at, v1.WithTimeout(h.opts.Timeout))
		h.logWarnings(expr, warnings)
		value = v
		return err
	})
	var vec model.Vector
	if err == nil {
		vec, err = instantVector(value)
	}
	if err != nil {
		err = fmt.Errorf("query %q at %s: %w", expr, formatTime(at), err)
	}
	return vec, h.counters.count(err)
}

// QueryRange evaluates expr over r and returns one series per label set.
func (h *HTTP) QueryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	var value model.Value
	err := h.retry(ctx, expr, func(ctx context.Context) error {
		v, warnings, err := h.api.QueryRange(ctx, expr,
			v1.Range{Start: r.Start, End: r.End, Step: r.Step}, v1.WithTimeout(h.opts.Timeout))
		h.logWarnings(expr, warnings)
		value = v
		return err
	})
	var mat model.Matrix
	if err == nil {
		mat, err = rangeMatrix(value)
	}
	if err != nil {
		err = fmt.Errorf("query range %q from %s to %s step %s: %w",
			expr, formatTime(r.Start), formatTime(r.End), r.Step, err)
	}
	return mat, h.counters.count(err)
}

// QueryExemplars returns the exemplars of the series that expr selects,
// between start and end. The server needs exemplar storage enabled
// (--enable-feature=exemplar-storage); without it the answer is empty.
func (h *HTTP) QueryExemplars(ctx context.Context, expr string, start, end time.Time) ([]v1.ExemplarQueryResult, error) {
	var res []v1.ExemplarQueryResult
	err := h.retry(ctx, expr, func(ctx context.Context) error {
		r, err := h.api.QueryExemplars(ctx, expr, start, end)
		res = r
		return err
	})
	if err != nil {
		err = fmt.Errorf("query exemplars %q from %s to %s: %w", expr, formatTime(start), formatTime(end), err)
	}
	return res, h.counters.count(err)
}

// Stats returns how many queries this querier has sent, failed and retried.
func (h *HTTP) Stats() QueryStats {
	return h.counters.stats()
}

// logWarnings logs the server's warnings about a query, which are not errors.
func (h *HTTP) logWarnings(expr string, warnings v1.Warnings) {
	if len(warnings) > 0 {
		h.opts.Logger.Warn("query returned warnings", "query", expr, "warnings", []string(warnings))
	}
}

// formatTime renders a query time for errors and logs.
func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// redactedURL returns raw with any password replaced, for errors and logs.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
