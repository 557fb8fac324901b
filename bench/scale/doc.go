// Package scale is the scale suite: a fleet of span metrics (50 services ×
// 20 span names × 2 status codes, a 16-bucket duration histogram each)
// written as TSDB blocks into a real Prometheus 2.42, and 100, 1,000 and
// 10,000 SLOs on it. For each size it measures what one burnwatch
// evaluation cycle costs (queries, samples Prometheus reads, wall time,
// burnwatch's memory, in a process of its own: ./cycles) and what the
// rules Sloth v0.16.0 generates for the same SLOs cost Prometheus (samples
// read per evaluation of every rule, rule group evaluation time and CPU
// with the rules loaded).
//
// It runs under `make bench` (go test with BURNWATCH_BENCH_OUT set) and
// writes the scale section of the benchmark report.
package scale
