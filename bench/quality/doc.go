// Package quality is the alert quality suite: synthetic incidents with
// known ground truth, each in its own service on one shared timeline in a
// real Prometheus, judged by the SRE Workbook's four criteria (precision,
// recall, detection time, reset time) for burnwatch and for the rules that
// Sloth v0.16.0 generates, evaluated by Prometheus on the same series.
//
// It runs under `make bench` (go test with BURNWATCH_BENCH_OUT set) and
// writes the quality section of the benchmark report.
package quality
