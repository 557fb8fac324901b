// Package demo runs burnwatch end to end with nothing else installed: the
// real daemon (spec loader, burn-rate engine, alert lifecycle, outbox and
// dashboard) on the embedded Prometheus engine, fed by a synthetic
// span-metrics workload that follows a script of incidents.
//
// Notifications land in a built-in inbox that shows, for each one, the Slack
// message and the PagerDuty event that would have been sent; trace links
// open a built-in waterfall of the synthetic trace behind each exemplar.
// Every link works offline.
//
// The workload is a pure function of time, so the same script runs in real
// time (burnwatch demo) and on simulated time in tests (Options.Simulated and
// Demo.Advance).
package demo
