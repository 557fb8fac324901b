package prom

import (
	"fmt"
	"log/slog"
	"time"
)

// EmbeddedOptions configures an embedded engine. The zero value works: a
// temporary database kept for 35 days, Prometheus' engine defaults.
type EmbeddedOptions struct {
	// Dir holds the database. Empty means a temporary directory that Close
	// removes.
	Dir string
	// Retention is how long samples are kept, counted back from the newest
	// sample. Default 35 days, enough for a 30-day SLO period and its margin.
	Retention time.Duration
	// OutOfOrderWindow is how far behind the newest sample a sample may
	// still be appended, which is what lets a writer backfill history after
	// live samples went in. Default: the retention. A negative value turns
	// out-of-order appends off; then samples must arrive in time order across
	// all series, apart from the last hour.
	OutOfOrderWindow time.Duration
	// MaxSamples bounds the samples one query may hold in memory.
	// Default 50,000,000, as in Prometheus.
	MaxSamples int
	// MaxExemplars is the size of the in-memory exemplar ring buffer, shared
	// by all series. Default 100,000.
	MaxExemplars int64
	// Timeout bounds one query's evaluation. Default 2m, as in Prometheus.
	Timeout time.Duration
	// LookbackDelta is how far back an instant selector looks for a sample.
	// Default 5m.
	LookbackDelta time.Duration
	// Logger receives the database's and the engine's logs, and query
	// warnings. Default slog.Default().
	Logger *slog.Logger
}

const (
	defaultRetention     = 35 * 24 * time.Hour
	defaultMaxSamples    = 50_000_000
	defaultMaxExemplars  = 100_000
	defaultQueryTimeout  = 2 * time.Minute
	defaultLookbackDelta = 5 * time.Minute
	// subqueryStep is the step of a subquery written without one, like
	// Prometheus' default evaluation interval.
	subqueryStep = time.Minute
)

// withDefaults returns a copy of o with defaults filled in, or an error
// naming the first option that cannot work.
func (o EmbeddedOptions) withDefaults() (EmbeddedOptions, error) {
	for _, d := range []struct {
		name  string
		value time.Duration
	}{
		{"retention", o.Retention},
		{"timeout", o.Timeout},
		{"lookback delta", o.LookbackDelta},
	} {
		if d.value < 0 {
			return o, fmt.Errorf("%s %s is negative", d.name, d.value)
		}
	}
	if o.MaxSamples < 0 || o.MaxExemplars < 0 {
		return o, fmt.Errorf("max samples %d and max exemplars %d must not be negative", o.MaxSamples, o.MaxExemplars)
	}
	if o.Retention == 0 {
		o.Retention = defaultRetention
	}
	switch {
	case o.OutOfOrderWindow < 0:
		o.OutOfOrderWindow = 0
	case o.OutOfOrderWindow == 0:
		o.OutOfOrderWindow = o.Retention
	}
	if o.MaxSamples == 0 {
		o.MaxSamples = defaultMaxSamples
	}
	if o.MaxExemplars == 0 {
		o.MaxExemplars = defaultMaxExemplars
	}
	if o.Timeout == 0 {
		o.Timeout = defaultQueryTimeout
	}
	if o.LookbackDelta == 0 {
		o.LookbackDelta = defaultLookbackDelta
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o, nil
}
