// Package web serves burnwatch's error-budget dashboard and its JSON API.
//
// The dashboard is server-rendered HTML (html/template, embedded CSS, inline
// SVG charts) that reads the latest evaluation from a snapshot the daemon
// swaps atomically each cycle; it loads nothing from outside and works
// without JavaScript. One small same-origin script reloads pages without
// closing the sections a reader opened, and can pause reloading; without
// it a <noscript> meta refresh reloads them. History charts come from Prometheus range queries through
// burnrate.History, cached per SLO so that a room full of refreshing
// browsers does not become a query storm. The overview's rows and the API's
// SLOs are rendered once per snapshot (Dashboard.Prepare), so that a request
// only filters, groups and copies them.
//
// Routes (all GET or HEAD; other methods are answered 405):
//
//	/                     every SLO, firing and burning first, then the lowest budget,
//	                      with its attainment, a grouped SLO's members together
//	                      under it; ?team= ?service= ?group=
//	/slo/{service}/{name} one SLO: the latency distribution or failed calls with
//	                      exemplars linked to their traces, budget, burn rates,
//	                      charts, alerts, traces, spec; on ?range=1h|6h|1d|7d|period
//	                      or ?from=&to=, by default from shortly before an open
//	                      incident
//	/alerts               firing and recently resolved incidents and their deliveries
//	/api/v1/slos          the evaluation as burnrate.Report (?team= ?service=)
//	/api/v1/slos/{id}     one burnrate.SLOReport
//	/api/v1/alerts        the incidents
//	/static/...           the stylesheet and the reloading script
//
// Every response carries a strict Content-Security-Policy and the other
// usual security headers; pages and API can be closed with a bearer token
// or basic auth.
package web
