package daemon

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/burnwatch/burnwatch/burnrate"
)

// metrics is burnwatch's own /metrics.
type metrics struct {
	duration        prometheus.Histogram
	queries         prometheus.Gauge
	queriesTotal    prometheus.Counter
	queryErrors     prometheus.Counter
	missed          prometheus.Counter
	reloadSuccess   prometheus.Gauge
	reloadTimestamp prometheus.Gauge
	restartRequired *prometheus.CounterVec
	// slos renders the per-SLO families, which are not in reg.
	slos *sloExposition
}

func newMetrics(reg prometheus.Registerer, d *Daemon) *metrics {
	m := &metrics{
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "burnwatch_evaluation_duration_seconds", Help: "Time one evaluation cycle took: queries, alert lifecycle and dashboard snapshot.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
		}),
		queries:      prometheus.NewGauge(prometheus.GaugeOpts{Name: "burnwatch_queries_per_cycle", Help: "Queries sent by the last evaluation cycle."}),
		queriesTotal: prometheus.NewCounter(prometheus.CounterOpts{Name: "burnwatch_queries_total", Help: "Queries sent."}),
		queryErrors:  prometheus.NewCounter(prometheus.CounterOpts{Name: "burnwatch_query_errors_total", Help: "Queries that failed."}),
		missed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "burnwatch_evaluation_missed_cycles_total", Help: "Cycles skipped because an evaluation overran its interval.",
		}),
		reloadSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "burnwatch_config_last_reload_successful", Help: "Whether the last config and spec reload succeeded (1) or kept the previous set (0).",
		}),
		reloadTimestamp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "burnwatch_config_last_reload_success_timestamp_seconds", Help: "When config and specs were last loaded successfully.",
		}),
		restartRequired: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "burnwatch_config_reload_restart_required_total",
			Help: "Reloads that changed a setting only a restart applies, per setting; the running value stays until then.",
		}, []string{"setting"}),
	}
	reg.MustRegister(m.restartRequired, m.duration, m.queries, m.queriesTotal, m.queryErrors, m.missed, m.reloadSuccess, m.reloadTimestamp,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		outboxCollector{d})
	m.slos = newSLOExposition(d)
	return m
}

func (m *metrics) observeCycle(res burnrate.Result, took time.Duration) {
	m.duration.Observe(took.Seconds())
	m.queries.Set(float64(res.Queries))
	m.queriesTotal.Add(float64(res.Queries))
	m.queryErrors.Add(float64(res.QueryErrors))
}

func (m *metrics) reloadOK(ok bool) {
	if ok {
		m.reloadSuccess.Set(1)
		m.reloadTimestamp.SetToCurrentTime()
	} else {
		m.reloadSuccess.Set(0)
	}
}

var outboxDepth = prometheus.NewDesc("burnwatch_outbox_depth", "Notifications queued and not yet delivered, per receiver.", []string{"receiver"}, nil)

// outboxCollector reads the outbox depth at scrape time.
type outboxCollector struct{ d *Daemon }

func (c outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- outboxDepth }

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	depth, err := c.d.store.Depth()
	if err != nil {
		return
	}
	for r, n := range depth {
		ch <- prometheus.MustNewConstMetric(outboxDepth, prometheus.GaugeValue, float64(n), r)
	}
}

var (
	sloBudget  = prometheus.NewDesc("burnwatch_slo_error_budget_remaining", "Share of the period's error budget left (1 untouched, negative overspent).", []string{"slo", "team", "service"}, nil)
	sloCovered = prometheus.NewDesc("burnwatch_slo_error_budget_covered_seconds",
		"How much of the period so far the error budget was counted over: less than the period while the SLI's series are younger than it (a young Prometheus, a new service). Absent when not known.",
		[]string{"slo"}, nil)
	sloBurn   = prometheus.NewDesc("burnwatch_slo_burn_rate", "Burn rate over a window.", []string{"slo", "window"}, nil)
	sloFiring = prometheus.NewDesc("burnwatch_slo_alert_firing", "Whether an alert tier of the SLO fires.", []string{"slo", "severity"}, nil)
	sloState  = prometheus.NewDesc("burnwatch_slo_evaluation_state", "1 for the SLO's evaluation state.", []string{"slo", "state"}, nil)
)

// sloCollector exposes the last evaluation of every SLO.
type sloCollector struct{ d *Daemon }

func (c sloCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- sloBudget
	ch <- sloCovered
	ch <- sloBurn
	ch <- sloFiring
	ch <- sloState
}

func (c sloCollector) Collect(ch chan<- prometheus.Metric) {
	snap := c.d.snapshot.Load()
	if snap == nil {
		return
	}
	for _, st := range snap.Statuses {
		id := st.SLO.ID
		ch <- prometheus.MustNewConstMetric(sloState, prometheus.GaugeValue, 1, id, string(st.State))
		if st.State == burnrate.StateError {
			continue
		}
		ch <- prometheus.MustNewConstMetric(sloBudget, prometheus.GaugeValue, st.Budget.Remaining, id, st.SLO.Team, st.SLO.Service)
		if st.Budget.Covered > 0 {
			ch <- prometheus.MustNewConstMetric(sloCovered, prometheus.GaugeValue, st.Budget.Covered.Seconds(), id)
		}
		for _, w := range st.Windows {
			ch <- prometheus.MustNewConstMetric(sloBurn, prometheus.GaugeValue, w.BurnRate, id, burnrate.FormatWindow(w.Window))
		}
		for _, sev := range []string{"page", "ticket"} {
			v := 0.0
			if tierFires(st, sev) {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(sloFiring, prometheus.GaugeValue, v, id, sev)
		}
	}
}

func tierFires(st burnrate.Status, sev string) bool {
	for _, a := range st.Alerts {
		if a.Firing && string(a.Severity) == sev {
			return true
		}
	}
	return false
}
