// Package prom holds the implementations of burnrate.Querier: HTTP talks to
// the Prometheus HTTP API (and Thanos, Mimir or VictoriaMetrics behind it),
// Embedded runs Prometheus' own promql engine over an in-process tsdb. Both
// also answer exemplar queries, which alerts use to link to traces.
package prom
