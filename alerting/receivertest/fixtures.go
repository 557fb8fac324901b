package receivertest

import (
	"math"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
)

// Now is when the receivers under test send, through Clock; every fixture
// was evaluated at or before it, as the outbox delivers after evaluating.
var Now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Clock returns Now; pass it as a receiver's clock.
func Clock() time.Time { return Now }

// HostileText tries to mention a whole Slack channel, inject markup and
// forge an entity.
const HostileText = "<!channel> & <script>alert(1)</script> &amp; <https://evil.example|click me>"

// Fixture is a named notification.
type Fixture struct {
	// Name is the golden file's base name.
	Name         string
	Notification *alerting.Notification
}

// Fixtures returns fresh copies of every fixture notification, in a fixed
// order.
func Fixtures() []Fixture {
	return []Fixture{
		{"firing-page", FiringPage()},
		{"firing-repeat", FiringRepeat()},
		{"resolved", Resolved()},
		{"evaluation-failing", EvaluationFailing()},
		{"hostile", Hostile()},
		{"updated", Updated()},
		{"escalated", Escalated()},
		{"slo-removed", SLORemoved()},
		{"held-no-data", HeldNoData()},
		{"no-trace-yet", NoTraceYet()},
		{"young-prometheus", YoungPrometheus()},
	}
}

// FiringPage is a page for a latency SLO burning 15× too fast, with three
// exemplar traces.
func FiringPage() *alerting.Notification {
	return &alerting.Notification{
		ID:          "01JNB4C0000000000000000001",
		IncidentKey: "checkout/requests-latency/page/20260301T110200Z",
		Kind:        alerting.KindBurn,
		Status:      alerting.Firing,
		Severity:    "page",
		Summary:     "checkout/requests-latency burns its error budget 15.2× too fast over 1h (page above 14.4×); 42.3% of the 30d budget is left.",
		SLO: alerting.SLOInfo{
			ID:          "checkout/requests-latency",
			Name:        "requests-latency",
			Service:     "checkout",
			Team:        "checkout-team",
			Description: "99.9% of checkout requests complete within 300ms.",
			Objective:   0.999,
			Period:      "30d",
			Labels:      map[string]string{"tier": "1"},
		},
		StartsAt:        time.Date(2026, 3, 1, 11, 2, 0, 0, time.UTC),
		EvaluatedAt:     time.Date(2026, 3, 1, 11, 20, 0, 0, time.UTC),
		BudgetRemaining: 0.4231,
		Windows: []alerting.BurnWindow{
			{Long: "1h", Short: "5m", Factor: 14.4, LongBurnRate: 15.23, ShortBurnRate: 18.04, Firing: true},
			{Long: "6h", Short: "30m", Factor: 6, LongBurnRate: 4.1, ShortBurnRate: 5.02},
		},
		Traces: []alerting.TraceLink{
			{
				TraceID: "4bf92f3577b34da6a3ce929d0e0e4736",
				URL:     "https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736",
				Value:   3.2, Reason: "latency 3.2s > 300ms",
				At: time.Date(2026, 3, 1, 11, 19, 12, 0, time.UTC),
			},
			{
				TraceID: "00f067aa0ba902b7a3ce929d0e0e4736",
				URL:     "https://jaeger.example.com/trace/00f067aa0ba902b7a3ce929d0e0e4736",
				Value:   1.9, Reason: "latency 1.9s > 300ms",
				At: time.Date(2026, 3, 1, 11, 18, 40, 0, time.UTC),
			},
			{
				TraceID: "a3ce929d0e0e47364bf92f3577b34da6",
				URL:     "https://jaeger.example.com/trace/a3ce929d0e0e47364bf92f3577b34da6",
				Value:   1, Reason: "error",
				At: time.Date(2026, 3, 1, 11, 17, 3, 0, time.UTC),
			},
		},
		Labels:       map[string]string{"routing": "checkout-oncall"},
		Annotations:  map[string]string{"chat": "#checkout-incidents"},
		RunbookURL:   "https://runbooks.example.com/checkout/requests-latency",
		DashboardURL: "https://burnwatch.example.com/slo/checkout/requests-latency",
	}
}

// FiringRepeat is a reminder of FiringPage's incident half an hour later.
func FiringRepeat() *alerting.Notification {
	n := FiringPage()
	n.ID = "01JNB4C0000000000000000002"
	n.Repeat = true
	n.EvaluatedAt = n.EvaluatedAt.Add(30 * time.Minute)
	n.Summary = "checkout/requests-latency still burns its error budget 14.9× too fast over 1h (page above 14.4×); 39.8% of the 30d budget is left."
	n.BudgetRemaining = 0.398
	n.Windows[0].LongBurnRate, n.Windows[0].ShortBurnRate = 14.9, 15.1
	n.Traces = n.Traces[:1]
	return n
}

// Resolved closes FiringPage's incident.
func Resolved() *alerting.Notification {
	n := FiringPage()
	n.ID = "01JNB4C0000000000000000003"
	n.Status = alerting.Resolved
	n.EndReason = alerting.EndRecovered
	n.EndsAt = time.Date(2026, 3, 1, 11, 58, 0, 0, time.UTC)
	n.EvaluatedAt = n.EndsAt
	n.Summary = "checkout/requests-latency no longer burns its error budget too fast; 38.1% of the 30d budget is left."
	n.BudgetRemaining = 0.381
	n.Windows[0].LongBurnRate, n.Windows[0].ShortBurnRate, n.Windows[0].Firing = 9.7, 0.4, false
	n.Traces = nil
	return n
}

// Updated adds the trace links found after FiringPage's trigger went out
// to its incident, which still fires.
func Updated() *alerting.Notification {
	n := FiringPage()
	n.ID = "01JNB4C0000000000000000006"
	n.Status = alerting.Updated
	n.EvaluatedAt = n.EvaluatedAt.Add(90 * time.Second)
	n.Summary = "checkout/requests-latency: 2 slow traces found since the page; it burns its error budget 15.4× too fast over 1h (page above 14.4×)."
	n.Windows[0].LongBurnRate, n.Windows[0].ShortBurnRate = 15.4, 17.2
	n.Traces = []alerting.TraceLink{
		{
			TraceID: "7c1e3b5a9d2f4e6081a3c5e7f9b1d3a5",
			URL:     "https://jaeger.example.com/trace/7c1e3b5a9d2f4e6081a3c5e7f9b1d3a5",
			Value:   4.7, Reason: "latency 4.7s > 300ms",
			At: time.Date(2026, 3, 1, 11, 20, 31, 0, time.UTC),
		},
		{
			TraceID: "e2d4f6a8c0b2d4f6e8a0c2b4d6f8a0c2",
			URL:     "https://jaeger.example.com/trace/e2d4f6a8c0b2d4f6e8a0c2b4d6f8a0c2",
			Value:   2.2, Reason: "latency 2.2s > 300ms",
			At: time.Date(2026, 3, 1, 11, 20, 58, 0, time.UTC),
		},
	}
	return n
}

// Escalated closes a ticket because the page tier took over: the burn got
// worse, it did not recover.
func Escalated() *alerting.Notification {
	n := FiringPage()
	n.ID = "01JNB4C0000000000000000007"
	n.IncidentKey = "checkout/requests-latency/ticket/20260301T104000Z"
	n.Severity = "ticket"
	n.Status = alerting.Resolved
	n.EndReason = alerting.EndEscalated
	n.StartsAt = time.Date(2026, 3, 1, 10, 40, 0, 0, time.UTC)
	n.EndsAt = time.Date(2026, 3, 1, 11, 2, 0, 0, time.UTC)
	n.EvaluatedAt = n.EndsAt
	n.Summary = "checkout/requests-latency now burns its error budget at page rate: the page takes over from this ticket."
	n.Windows = []alerting.BurnWindow{
		{Long: "1d", Short: "2h", Factor: 3, LongBurnRate: 4.2, ShortBurnRate: 12.8, Firing: true},
		{Long: "3d", Short: "6h", Factor: 1, LongBurnRate: 1.9, ShortBurnRate: 6.3, Firing: true},
	}
	n.Traces = nil
	return n
}

// SLORemoved closes FiringPage's incident because its SLO is no longer in
// the specs.
func SLORemoved() *alerting.Notification {
	n := FiringPage()
	n.ID = "01JNB4C0000000000000000008"
	n.Status = alerting.Resolved
	n.EndReason = alerting.EndSLORemoved
	n.EndsAt = time.Date(2026, 3, 1, 11, 40, 0, 0, time.UTC)
	n.EvaluatedAt = n.EndsAt
	n.Summary = "checkout/requests-latency was removed from the specs; its incident is closed."
	n.Windows, n.Traces = nil, nil
	n.BudgetRemaining = math.NaN()
	return n
}

// HeldNoData is a reminder of FiringPage's incident while its queries find
// no data: the incident is held open, not resolved.
func HeldNoData() *alerting.Notification {
	n := FiringRepeat()
	n.ID = "01JNB4C0000000000000000009"
	n.NoDataSince = time.Date(2026, 3, 1, 11, 41, 30, 0, time.UTC)
	n.Summary = "checkout/requests-latency has had no data since 11:41:30 UTC; the page stays open until data comes back."
	n.BudgetRemaining = math.NaN()
	n.Windows[0].LongBurnRate, n.Windows[0].ShortBurnRate = math.NaN(), math.NaN()
	n.Windows[1].LongBurnRate, n.Windows[1].ShortBurnRate = math.NaN(), math.NaN()
	return n
}

// NoTraceYet is FiringPage before any exemplar of a slow request reached
// Prometheus: no trace links, and a note saying why.
func NoTraceYet() *alerting.Notification {
	n := FiringPage()
	n.ID = "01JNB4C0000000000000000010"
	n.Traces = nil
	n.TracesNote = "no exemplar above 300ms in Prometheus yet; the Collector flushes every 60s"
	return n
}

// YoungPrometheus is FiringPage from a Prometheus with two hours of
// history: the budget was counted over those two hours of the 30d period,
// not over the period, and is overspent many times over.
func YoungPrometheus() *alerting.Notification {
	n := FiringPage()
	n.ID = "01JNB4C0000000000000000011"
	n.Summary = "checkout/requests-latency is burning its error budget 15.2× too fast (page: 1h at 15.2× and 5m at 18.0×, above 14.4); budget over the last 2h of the 30d period: -6891.0% left"
	n.BudgetRemaining = -68.91
	n.BudgetCovered = 2 * time.Hour
	return n
}

// EvaluationFailing is a ticket saying an SLO could not be evaluated: its
// budget is unknown (NaN) and it has no windows or traces.
func EvaluationFailing() *alerting.Notification {
	return &alerting.Notification{
		ID:          "01JNB4C0000000000000000004",
		IncidentKey: "payments/authorize-errors/evaluation_failing/20260301T115000Z",
		Kind:        alerting.KindEvaluationFailing,
		Status:      alerting.Firing,
		Severity:    "ticket",
		Summary:     "payments/authorize-errors could not be evaluated for 10 cycles.",
		SLO: alerting.SLOInfo{
			ID:        "payments/authorize-errors",
			Name:      "authorize-errors",
			Service:   "payments",
			Team:      "payments-team",
			Objective: 0.9995,
			Period:    "28d",
		},
		StartsAt:        time.Date(2026, 3, 1, 11, 50, 0, 0, time.UTC),
		EvaluatedAt:     Now,
		BudgetRemaining: math.NaN(),
		DashboardURL:    "https://burnwatch.example.com/slo/payments/authorize-errors",
		Error:           `query prometheus: Post "http://prometheus:9090/api/v1/query": dial tcp 10.0.0.7:9090: connect: connection refused`,
	}
}

// Hostile is a page whose spec text is an attack: HostileText in the
// summary, description, labels, annotations and a trace reason, a
// 5000-character description, a 1500-character summary, trace URLs that
// try to break out of a Slack link or run script, and a 300-character
// incident key.
func Hostile() *alerting.Notification {
	n := FiringPage()
	n.ID = "01JNB4C0000000000000000005"
	n.IncidentKey = "checkout/requests-latency/page/" + strings.Repeat("k", 269)
	n.Summary = HostileText + " " + strings.Repeat("summary & <more> ", 90)
	n.SLO.Description = HostileText + " " + strings.Repeat("d", 5000-len(HostileText)-1)
	n.SLO.Labels = map[string]string{"note": HostileText}
	n.Labels = map[string]string{"routing": HostileText}
	n.Annotations = map[string]string{"chat": HostileText}
	n.Traces = []alerting.TraceLink{
		{
			TraceID: "4bf92f3577b34da6a3ce929d0e0e4736",
			URL:     "https://tempo.example.com/explore?q=a|b>c&d=<!here>",
			Value:   3.2, Reason: "<!here> <@U024BE7LH> latency & more",
			At: time.Date(2026, 3, 1, 11, 19, 12, 0, time.UTC),
		},
		{
			TraceID: "<!channel>",
			URL:     "javascript:alert(1)",
			Value:   1, Reason: "error",
			At: time.Date(2026, 3, 1, 11, 18, 0, 0, time.UTC),
		},
	}
	return n
}
