// Package burnrate turns SLO specs into PromQL query plans and evaluates
// multi-window multi-burn-rate (MWMB) error-budget burn from their answers.
//
// The package does no I/O of its own: answers reach it through the small
// Querier interface and time is passed in by the caller, so everything it
// computes can be tested on simulated time.
package burnrate
