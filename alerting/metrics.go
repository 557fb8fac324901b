package alerting

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts deliveries per receiver. A nil *Metrics counts nothing.
type Metrics struct {
	Sent, Failed, Retried *prometheus.CounterVec
}

// NewMetrics registers the delivery counters with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "burnwatch_notifications_sent_total", Help: "Notifications delivered, per receiver.",
		}, []string{"receiver"}),
		Failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "burnwatch_notifications_failed_total", Help: "Notifications given up after a non-retryable answer, per receiver.",
		}, []string{"receiver"}),
		Retried: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "burnwatch_notifications_retried_total", Help: "Failed delivery attempts that will be retried, per receiver.",
		}, []string{"receiver"}),
	}
	reg.MustRegister(m.Sent, m.Failed, m.Retried)
	return m
}

func (m *Metrics) sent(r string) {
	if m != nil {
		m.Sent.WithLabelValues(r).Inc()
	}
}

func (m *Metrics) failed(r string) {
	if m != nil {
		m.Failed.WithLabelValues(r).Inc()
	}
}

func (m *Metrics) retried(r string) {
	if m != nil {
		m.Retried.WithLabelValues(r).Inc()
	}
}
