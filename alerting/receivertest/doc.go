// Package receivertest holds what the tests of the receiver packages
// (slack, pagerduty, webhook, alertmanager) share: fixture notifications,
// golden files, a recording HTTP server, and the delivery failures every
// receiver must classify alike. Only tests import it.
package receivertest
