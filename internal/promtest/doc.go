// Package promtest starts a real Prometheus for integration tests: the
// prometheus binary on PATH (the Debian package, 2.42, in CI), on a free
// port of 127.0.0.1, with its data in the test's temporary directory.
// History is backfilled with promtool before Prometheus starts, and
// OpenMetricsWriter renders that history from Go values.
package promtest
