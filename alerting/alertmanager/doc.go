// Package alertmanager sends burnwatch notifications to Prometheus
// Alertmanager through its API v2 (POST /api/v2/alerts), so that teams
// who route, silence and inhibit in Alertmanager get SLO burn alerts there
// too.
//
// Each notification becomes one alert. Its labels identify it (alertname,
// slo, service, team, severity, kind, then the SLO's and the spec's alert
// labels, which win); its annotations carry the summary, description,
// objective, budget left, burn rates, runbook, dashboard and trace links
// (trace_1 … trace_10) or traces_note saying why there are none,
// no_data while the incident is held open for lack of data, end_reason
// on a resolved alert ("recovered", "escalated to page", "SLO removed
// from the specs"), then the spec's annotations, which win.
//
// An updated notification (trace links found after the first send) is
// the firing alert again with fresh annotations: Alertmanager keeps one
// alert per label set and takes the newest annotations, so the re-sends
// carry whatever trace links the notification has.
//
// Alertmanager forgets an alert whose endsAt has passed, and the daemon
// re-sends firing alerts every ResendInterval, as Prometheus does. A
// firing alert's endsAt is therefore now + 4 × ResendInterval, the rule
// Prometheus uses: it survives three lost re-sends, and if burnwatch stops
// (crash, removed SLO) the alert resolves on its own within four intervals
// instead of staying active for ever. A resolved alert's endsAt is when the
// incident ended, never later than now, so Alertmanager treats it as
// resolved at once.
//
// An Alertmanager cluster is given as several URLs: every peer gets the
// alert (they gossip, but a peer that is down must not lose it), delivery
// succeeds when at least one peer accepts it, and it is retryable when
// every peer failed and one of the failures is retryable.
package alertmanager
