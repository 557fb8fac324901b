// Package daemon runs burnwatch as a service: it reads the config and the
// SLO specs, evaluates them every evaluation interval, hands the results to
// the alert manager, delivers notifications, and serves the dashboard,
// /metrics, /healthz and /readyz. Config and spec changes are picked up on
// file change and on SIGHUP; an invalid change keeps the last good set.
package daemon
