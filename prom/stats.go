package prom

import "sync/atomic"

// QueryStats counts the queries a querier has answered since it was built.
type QueryStats struct {
	// Queries is the number of calls to Query, QueryRange, QueryExemplars,
	// LabelNames, LabelValues and ExemplarCount.
	Queries uint64
	// Errors is the number of those calls that returned an error.
	Errors uint64
	// Retries is the number of extra attempts made after a retryable failure.
	Retries uint64
}

// queryCounters are the atomic counters behind QueryStats.
type queryCounters struct {
	queries, errors, retries atomic.Uint64
}

// count records one call and whether it failed, and passes err through.
func (c *queryCounters) count(err error) error {
	c.queries.Add(1)
	if err != nil {
		c.errors.Add(1)
	}
	return err
}

// stats returns a snapshot of the counters.
func (c *queryCounters) stats() QueryStats {
	return QueryStats{
		Queries: c.queries.Load(),
		Errors:  c.errors.Load(),
		Retries: c.retries.Load(),
	}
}
