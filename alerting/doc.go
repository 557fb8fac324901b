// Package alerting turns burn-rate evaluations into notifications: the alert
// lifecycle per SLO and tier, exemplar trace lookup, routing, a durable
// outbox, and delivery with retry to the receivers in the sub-packages
// (slack, pagerduty, webhook, alertmanager).
package alerting
