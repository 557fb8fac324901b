// Package datacheck checks SLOs against the data a Prometheus holds, before
// they can page anyone: that a latency threshold is a bucket boundary of its
// histogram, that the selector matches series (else which labels the metric
// does have, or under which name the metric is stored), that the error
// matcher's labels exist, and that the series carry exemplars for trace
// links.
//
// Errors make the SLO's state "error" with the finding as its reason (the
// daemon hands them to the evaluator as blocked reasons); warnings are only
// reported. A check that cannot run (Prometheus unreachable) blocks
// nothing. Unlike slo and burnrate, this package does I/O, through the
// small Source interface.
package datacheck
