// Package web serves burnwatch's error-budget dashboard and its JSON API.
//
// The dashboard is server-rendered HTML (html/template, embedded CSS, inline
// SVG charts) that reads the latest evaluation from a snapshot the daemon
// swaps atomically each cycle; it needs no JavaScript and loads nothing from
// outside. History charts come from Prometheus range queries through
// burnrate.History, cached per SLO so that a room full of refreshing
// browsers does not become a query storm.
//
// Routes (all GET or HEAD; other methods are answered 405):
//
//	/                     every SLO, worst budget first, ?team= ?service= ?group=
//	/slo/{service}/{name} one SLO: budget, burn rates, charts, alerts, traces, spec
//	/alerts               firing and recently resolved incidents and their deliveries
//	/api/v1/slos          the evaluation as burnrate.Report (?team= ?service=)
//	/api/v1/slos/{id}     one burnrate.SLOReport
//	/api/v1/alerts        the incidents
//	/static/...           the stylesheet
//
// Every response carries a strict Content-Security-Policy and the other
// usual security headers; pages and API can be closed with a bearer token
// or basic auth.
package web
