package alertmanager

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/transport"
)

// expiryResends is how many re-sends a firing alert outlives: its endsAt
// is now + expiryResends × ResendInterval, as Prometheus does.
const expiryResends = 4

// maxTraces is how many trace links become annotations.
const maxTraces = 10

// postableAlert is one element of the POST /api/v2/alerts body.
type postableAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	StartsAt     time.Time         `json:"startsAt,omitzero"`
	EndsAt       time.Time         `json:"endsAt,omitzero"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// newAlert builds the alert for n, sent at now.
func newAlert(cfg Config, n *alerting.Notification, now time.Time) postableAlert {
	a := postableAlert{
		Labels:      labels(cfg, n),
		Annotations: annotations(n),
		StartsAt:    n.StartsAt.UTC(),
	}
	if httpURL(n.DashboardURL) {
		a.GeneratorURL = n.DashboardURL
	}
	if n.Status == alerting.Resolved {
		a.EndsAt = now
		if !n.EndsAt.IsZero() && n.EndsAt.Before(now) {
			a.EndsAt = n.EndsAt
		}
		a.EndsAt = a.EndsAt.UTC()
		if a.StartsAt.IsZero() || a.StartsAt.After(a.EndsAt) {
			a.StartsAt = a.EndsAt // Alertmanager refuses an end before the start
		}
		return a
	}
	a.EndsAt = now.Add(expiryResends * time.Duration(cfg.ResendInterval)).UTC()
	return a
}

// labels identify the alert: the defaults, then the SLO's labels, then
// the notification's, later ones winning. Empty values are left out, as
// Alertmanager drops them anyway.
func labels(cfg Config, n *alerting.Notification) map[string]string {
	out := map[string]string{
		"alertname": alertName(cfg, n.Kind),
		"slo":       n.SLO.ID,
		"service":   n.SLO.Service,
		"team":      n.SLO.Team,
		"severity":  n.Severity,
		"kind":      string(n.Kind),
	}
	for _, m := range []map[string]string{n.SLO.Labels, n.Labels} {
		for k, v := range m {
			out[k] = v
		}
	}
	return dropEmpty(out)
}

// alertName is the default alertname of a kind: burn alerts are named by
// the configuration, the others say what they are.
func alertName(cfg Config, kind alerting.Kind) string {
	switch kind {
	case alerting.KindEvaluationFailing:
		return "SLOEvaluationFailing"
	case alerting.KindNoData:
		return "SLONoData"
	case alerting.KindExhaustion:
		return "SLOErrorBudgetExhaustion"
	case alerting.KindBudgetSpent:
		return "SLOErrorBudgetSpent"
	}
	return cfg.AlertName
}

// annotations describe the alert; the notification's own annotations win.
func annotations(n *alerting.Notification) map[string]string {
	out := map[string]string{
		"summary":          n.Summary,
		"description":      n.SLO.Description,
		"runbook_url":      n.RunbookURL,
		"dashboard_url":    n.DashboardURL,
		"budget_remaining": budget(n),
		"burn_rates":       burnRates(n),
		"error":            n.Error,
		"objective":        objective(n.SLO),
		"end_reason":       endReason(n),
		"traces_note":      n.TracesNote,
	}
	if !n.NoDataSince.IsZero() && n.Status != alerting.Resolved {
		out["no_data"] = "no data since " + n.NoDataSince.UTC().Format(time.RFC3339) + "; held open, not resolved"
	}
	for i, t := range n.Traces[:min(len(n.Traces), maxTraces)] {
		link := t.URL
		if link == "" {
			link = t.TraceID
		}
		out["trace_"+strconv.Itoa(i+1)] = link
	}
	for k, v := range n.Annotations {
		out[k] = v
	}
	return dropEmpty(out)
}

// objective reads "99.9% over 30d", as the spec wrote it.
func objective(s alerting.SLOInfo) string {
	if s.Objective == 0 {
		return ""
	}
	out := transport.Format(s.Objective*100) + "%"
	if s.Period != "" {
		out += " over " + s.Period
	}
	return out
}

// endReason says why a resolved alert ended, in words that tell an
// escalation and a removed SLO from a recovery.
func endReason(n *alerting.Notification) string {
	if n.Status != alerting.Resolved {
		return ""
	}
	switch n.EndReason {
	case alerting.EndEscalated:
		return "escalated to page"
	case alerting.EndSLORemoved:
		return "SLO removed from the specs"
	case alerting.EndRecovered:
		return "recovered"
	}
	return string(n.EndReason)
}

// burnRates reads "1h 15.2× / 5m 18.0× (page above 14.4×); …".
func burnRates(n *alerting.Notification) string {
	parts := make([]string, 0, len(n.Windows))
	for _, w := range n.Windows {
		parts = append(parts, fmt.Sprintf("%s %s / %s %s (%s above %s×)",
			w.Long, rate(w.LongBurnRate), w.Short, rate(w.ShortBurnRate), n.Severity,
			strconv.FormatFloat(w.Factor, 'f', -1, 64)))
	}
	return strings.Join(parts, "; ")
}

func rate(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(r, 'f', 1, 64) + "×"
}

// budget reads "42.3%"; an unknown budget is left out.
// budget is the share of the budget left, saying over what it was counted
// when that is less than the period so far: "-6891.0% over the last 2h of
// the 30d period".
func budget(n *alerting.Notification) string {
	b := n.BudgetRemaining
	if math.IsNaN(b) || math.IsInf(b, 0) {
		return ""
	}
	out := strconv.FormatFloat(b*100, 'f', 1, 64) + "%"
	if scope := n.BudgetScope(); scope != "" {
		out += " over " + scope
	}
	return out
}

func dropEmpty(m map[string]string) map[string]string {
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
