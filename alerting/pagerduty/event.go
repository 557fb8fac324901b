package pagerduty

import (
	"fmt"
	"net/url"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/transport"
)

// MaxSummary is the longest payload summary PagerDuty accepts, in
// characters; burnwatch counts bytes, which is never more lenient.
const MaxSummary = 1024

// event is an Events API v2 request body.
type event struct {
	RoutingKey  string   `json:"routing_key"`
	EventAction string   `json:"event_action"`
	DedupKey    string   `json:"dedup_key"`
	Payload     *payload `json:"payload,omitempty"`
	Client      string   `json:"client,omitempty"`
	ClientURL   string   `json:"client_url,omitempty"`
	Links       []link   `json:"links,omitempty"`
}

type payload struct {
	Summary       string  `json:"summary"`
	Source        string  `json:"source"`
	Severity      string  `json:"severity"`
	Timestamp     string  `json:"timestamp,omitempty"`
	Component     string  `json:"component,omitempty"`
	Group         string  `json:"group,omitempty"`
	Class         string  `json:"class,omitempty"`
	CustomDetails details `json:"custom_details"`
}

type link struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

// details are the numbers behind the summary.
type details struct {
	SLO             string           `json:"slo"`
	Service         string           `json:"service,omitempty"`
	Team            string           `json:"team,omitempty"`
	Objective       transport.Number `json:"objective"`
	Period          string           `json:"period,omitempty"`
	Description     string           `json:"description,omitempty"`
	Kind            alerting.Kind    `json:"kind"`
	Status          alerting.Status  `json:"status"`
	Tier            string           `json:"tier"`
	Repeat          bool             `json:"repeat"`
	IncidentKey     string           `json:"incident_key"`
	StartsAt        string           `json:"starts_at,omitempty"`
	BudgetRemaining transport.Number `json:"budget_remaining"`
	// BudgetCovered says over what the budget was counted when that is
	// less than the period so far: "the last 2h of the 30d period".
	BudgetCovered        string            `json:"budget_covered,omitempty"`
	BudgetCoveredSeconds float64           `json:"budget_covered_seconds,omitempty"`
	Windows              []window          `json:"windows,omitempty"`
	Traces               []trace           `json:"traces,omitempty"`
	SLOLabels            map[string]string `json:"slo_labels,omitempty"`
	Labels               map[string]string `json:"labels,omitempty"`
	Annotations          map[string]string `json:"annotations,omitempty"`
	Error                string            `json:"error,omitempty"`
	// NoData says that the incident is held open for lack of data.
	NoData string `json:"no_data,omitempty"`
	// TracesNote says why Traces is empty or short.
	TracesNote string `json:"traces_note,omitempty"`
	// Truncated lists the fields shortened so that the event fits in
	// PagerDuty's limit.
	Truncated []string `json:"truncated,omitempty"`
}

type window struct {
	Long          string           `json:"long"`
	Short         string           `json:"short"`
	Factor        transport.Number `json:"factor"`
	LongBurnRate  transport.Number `json:"long_burn_rate"`
	ShortBurnRate transport.Number `json:"short_burn_rate"`
	Firing        bool             `json:"firing"`
}

type trace struct {
	TraceID string           `json:"trace_id"`
	Reason  string           `json:"reason"`
	Value   transport.Number `json:"value"`
	URL     string           `json:"url,omitempty"`
}

// newEvent builds the event for n within lim. A resolve carries only
// what PagerDuty needs to find the incident.
func newEvent(cfg Config, n *alerting.Notification, lim limits) event {
	e := event{RoutingKey: cfg.RoutingKey.Value(), EventAction: "trigger", DedupKey: DedupKey(n.IncidentKey)}
	if n.Status == alerting.Resolved {
		e.EventAction = "resolve"
		return e
	}
	c := &cutter{limits: lim}
	e.Client, e.ClientURL = cfg.Client, cfg.ClientURL
	e.Payload = &payload{
		Summary:       truncate(summary(n), MaxSummary),
		Source:        c.name("source", source(n)),
		Severity:      severity(cfg, n.Severity),
		Component:     c.name("component", n.SLO.Name),
		Group:         c.name("group", n.SLO.Team),
		Class:         string(n.Kind),
		CustomDetails: newDetails(n, c),
	}
	if !n.EvaluatedAt.IsZero() {
		e.Payload.Timestamp = n.EvaluatedAt.UTC().Format(time.RFC3339)
	}
	traces := n.Traces[:c.count("links", len(n.Traces), c.traces)]
	for _, t := range traces {
		if httpURL(t.URL) && c.link(t.URL) {
			e.Links = append(e.Links, link{Href: t.URL, Text: "Trace " + c.name("links", t.TraceID) + ": " + c.name("links", t.Reason)})
		}
	}
	if httpURL(n.DashboardURL) && c.link(n.DashboardURL) {
		e.Links = append(e.Links, link{Href: n.DashboardURL, Text: "burnwatch dashboard"})
	}
	if httpURL(n.RunbookURL) && c.link(n.RunbookURL) {
		e.Links = append(e.Links, link{Href: n.RunbookURL, Text: "Runbook"})
	}
	e.Payload.CustomDetails.Truncated = c.cut
	return e
}

// newDetails builds the custom details of n within c's limits.
func newDetails(n *alerting.Notification, c *cutter) details {
	d := details{
		SLO:             c.name("slo", n.SLO.ID),
		Service:         c.name("service", n.SLO.Service),
		Team:            c.name("team", n.SLO.Team),
		Objective:       transport.Number(n.SLO.Objective),
		Period:          n.SLO.Period,
		Description:     c.text("description", n.SLO.Description),
		Kind:            n.Kind,
		Status:          n.Status,
		Tier:            n.Severity,
		Repeat:          n.Repeat,
		IncidentKey:     c.name("incident_key", n.IncidentKey),
		BudgetRemaining: transport.Number(n.BudgetRemaining),
		SLOLabels:       c.labels("slo_labels", n.SLO.Labels),
		Labels:          c.labels("labels", n.Labels),
		Annotations:     c.labels("annotations", n.Annotations),
		Error:           c.name("error", n.Error),
		TracesNote:      c.name("traces_note", n.TracesNote),
	}
	if n.BudgetCovered > 0 {
		d.BudgetCovered, d.BudgetCoveredSeconds = n.BudgetScope(), n.BudgetCovered.Seconds()
	}
	if !n.NoDataSince.IsZero() {
		d.NoData = "no data since " + n.NoDataSince.UTC().Format(time.RFC3339) + "; held open, not resolved"
	}
	if !n.StartsAt.IsZero() {
		d.StartsAt = n.StartsAt.UTC().Format(time.RFC3339)
	}
	for _, w := range n.Windows[:c.count("windows", len(n.Windows), max(c.entries, 4))] {
		d.Windows = append(d.Windows, window{
			Long: c.name("windows", w.Long), Short: c.name("windows", w.Short), Factor: transport.Number(w.Factor),
			LongBurnRate: transport.Number(w.LongBurnRate), ShortBurnRate: transport.Number(w.ShortBurnRate), Firing: w.Firing,
		})
	}
	for _, t := range n.Traces[:c.count("traces", len(n.Traces), c.traces)] {
		url := t.URL
		if len(url) > c.limits.text {
			c.mark("traces")
			url = ""
		}
		d.Traces = append(d.Traces, trace{TraceID: c.name("traces", t.TraceID), Reason: c.name("traces", t.Reason), Value: transport.Number(t.Value), URL: url})
	}
	return d
}

// summary is the notification's; an update says it is one, so that the
// incident's log reads as news about it, not a new alert.
func summary(n *alerting.Notification) string {
	s := n.Summary
	if s == "" {
		s = fmt.Sprintf("%s %s: %s", n.SLO.ID, n.Kind, n.Severity)
	}
	if n.Status == alerting.Updated {
		s = "Update, trace links found: " + s
	}
	return s
}

// source is the service, or else the dashboard's host, or else burnwatch.
func source(n *alerting.Notification) string {
	if n.SLO.Service != "" {
		return n.SLO.Service
	}
	if u, err := url.Parse(n.DashboardURL); err == nil && u.Host != "" {
		return u.Host
	}
	return "burnwatch"
}

func severity(cfg Config, tier string) string {
	if s, ok := cfg.Severities[tier]; ok {
		return s
	}
	return FallbackSeverity
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
