// Package receivertest holds what the tests of the receiver packages
// (slack, pagerduty, webhook, alertmanager) share: fixture notifications
// of every status and end reason, golden files, a recording HTTP server,
// the delivery failures every receiver must classify alike, an echoing
// server that checks a receiver's errors never show its secrets, and
// config loading as the daemon does it. Only tests import it.
package receivertest
