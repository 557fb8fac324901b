// Package spanmetrics generates synthetic span metrics for the benchmark
// suites: traffic described second by second, sampled as a scrape would
// sample the spanmetrics connector's counters and histogram (integer
// counts, counter resets, missing scrapes), rendered as OpenMetrics text
// for promtool's backfill, and the exact event counts between scrapes that
// serve as ground truth.
package spanmetrics
