package webhook

import (
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/transport"
)

// SchemaVersion is the version of the request body, the "version" field.
// It changes only when a field is removed or changes meaning; new fields
// may appear within a version.
const SchemaVersion = "1"

// The types below are the wire form of schema version 1, documented field
// by field in SCHEMA.md. They mirror alerting.Notification but belong to
// this package, so that the published schema changes only on purpose:
// every field is always present, lists and maps are never null, and a
// number that is not finite (a burn rate over a window without traffic)
// is null.

type payload struct {
	Version      string       `json:"version"`
	Receiver     string       `json:"receiver"`
	Notification notification `json:"notification"`
}

type notification struct {
	ID              string           `json:"id"`
	IncidentKey     string           `json:"incident_key"`
	Kind            alerting.Kind    `json:"kind"`
	Status          alerting.Status  `json:"status"`
	Severity        string           `json:"severity"`
	Repeat          bool             `json:"repeat"`
	Summary         string           `json:"summary"`
	SLO             slo              `json:"slo"`
	StartsAt        time.Time        `json:"starts_at"`
	EndsAt          *time.Time       `json:"ends_at"`
	EvaluatedAt     time.Time        `json:"evaluated_at"`
	BudgetRemaining transport.Number `json:"budget_remaining"`
	// BudgetCoveredSeconds is null unless the budget was counted over less
	// than the period so far.
	BudgetCoveredSeconds *float64           `json:"budget_covered_seconds"`
	Windows              []window           `json:"windows"`
	Traces               []trace            `json:"traces"`
	Labels               map[string]string  `json:"labels"`
	Annotations          map[string]string  `json:"annotations"`
	RunbookURL           string             `json:"runbook_url"`
	DashboardURL         string             `json:"dashboard_url"`
	Error                string             `json:"error"`
	EndReason            alerting.EndReason `json:"end_reason"`
	NoDataSince          *time.Time         `json:"no_data_since"`
	TracesNote           string             `json:"traces_note"`
	// Report is a report notification's digest; null for the other kinds.
	Report *alerting.Digest `json:"report"`
}

type slo struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Service     string            `json:"service"`
	Team        string            `json:"team"`
	Description string            `json:"description"`
	Objective   transport.Number  `json:"objective"`
	Period      string            `json:"period"`
	Labels      map[string]string `json:"labels"`
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
	URL     string           `json:"url"`
	Value   transport.Number `json:"value"`
	Reason  string           `json:"reason"`
	At      time.Time        `json:"at"`
}

func newPayload(receiver string, n *alerting.Notification) payload {
	out := notification{
		ID:              n.ID,
		IncidentKey:     n.IncidentKey,
		Kind:            n.Kind,
		Status:          n.Status,
		Severity:        n.Severity,
		Repeat:          n.Repeat,
		Summary:         n.Summary,
		SLO:             newSLO(n.SLO),
		StartsAt:        n.StartsAt.UTC(),
		EvaluatedAt:     n.EvaluatedAt.UTC(),
		BudgetRemaining: transport.Number(n.BudgetRemaining),
		Windows:         make([]window, 0, len(n.Windows)),
		Traces:          make([]trace, 0, len(n.Traces)),
		Labels:          nonNil(n.Labels),
		Annotations:     nonNil(n.Annotations),
		RunbookURL:      n.RunbookURL,
		DashboardURL:    n.DashboardURL,
		Error:           n.Error,
		TracesNote:      n.TracesNote,
		Report:          n.Report,
	}
	if n.Status == alerting.Resolved {
		out.EndReason = n.EndReason
	}
	if n.BudgetCovered > 0 {
		covered := n.BudgetCovered.Seconds()
		out.BudgetCoveredSeconds = &covered
	}
	if !n.NoDataSince.IsZero() && n.Status != alerting.Resolved {
		since := n.NoDataSince.UTC()
		out.NoDataSince = &since
	}
	if !n.EndsAt.IsZero() {
		end := n.EndsAt.UTC()
		out.EndsAt = &end
	}
	for _, w := range n.Windows {
		out.Windows = append(out.Windows, window{
			Long:          w.Long,
			Short:         w.Short,
			Factor:        transport.Number(w.Factor),
			LongBurnRate:  transport.Number(w.LongBurnRate),
			ShortBurnRate: transport.Number(w.ShortBurnRate),
			Firing:        w.Firing,
		})
	}
	for _, t := range n.Traces {
		out.Traces = append(out.Traces, trace{
			TraceID: t.TraceID,
			URL:     t.URL,
			Value:   transport.Number(t.Value),
			Reason:  t.Reason,
			At:      t.At.UTC(),
		})
	}
	return payload{Version: SchemaVersion, Receiver: receiver, Notification: out}
}

func newSLO(s alerting.SLOInfo) slo {
	return slo{
		ID:          s.ID,
		Name:        s.Name,
		Service:     s.Service,
		Team:        s.Team,
		Description: s.Description,
		Objective:   transport.Number(s.Objective),
		Period:      s.Period,
		Labels:      nonNil(s.Labels),
	}
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
