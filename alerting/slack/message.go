package slack

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/transport"
)

// message is the body of an incoming webhook request.
type message struct {
	Channel     string  `json:"channel,omitempty"`
	Username    string  `json:"username,omitempty"`
	IconEmoji   string  `json:"icon_emoji,omitempty"`
	Text        string  `json:"text"`
	Blocks      []block `json:"blocks"`
	UnfurlLinks bool    `json:"unfurl_links"`
	UnfurlMedia bool    `json:"unfurl_media"`
}

// block is a Block Kit layout block: header, section or context.
type block struct {
	Type     string       `json:"type"`
	Text     *textObject  `json:"text,omitempty"`
	Fields   []textObject `json:"fields,omitempty"`
	Elements []textObject `json:"elements,omitempty"`
}

// textObject is a Block Kit text object.
type textObject struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Emoji    bool   `json:"emoji,omitempty"`
	Verbatim bool   `json:"verbatim,omitempty"`
}

// mrkdwn is a text object that Slack formats but does not preprocess:
// no automatic links, channel names or mentions.
func mrkdwn(s string) textObject { return textObject{Type: "mrkdwn", Text: s, Verbatim: true} }

func section(s string) block { return block{Type: "section", Text: new(mrkdwn(s))} }

// render builds the message for n.
func render(cfg Config, n *alerting.Notification) message {
	if n.Kind == alerting.KindReport && n.Report != nil {
		return renderReport(cfg, n)
	}
	header := headerText(n)
	m := message{
		Channel:   cfg.Channel,
		Username:  cfg.Username,
		IconEmoji: cfg.IconEmoji,
		Text:      truncate(escape(header)+" — "+escape(n.Summary), maxFallback),
		Blocks: []block{{
			Type: "header",
			Text: &textObject{Type: "plain_text", Text: truncatePlain(header, maxHeader), Emoji: true},
		}},
	}
	if n.Summary == "" {
		m.Text = truncate(escape(header), maxFallback)
	}
	add := func(b block, ok bool) {
		if ok && len(m.Blocks) < maxBlocks {
			m.Blocks = append(m.Blocks, b)
		}
	}
	add(section(truncate(escape(n.Summary), maxText)), n.Summary != "")
	add(block{Type: "context", Elements: []textObject{mrkdwn(statusNote(n))}}, statusNote(n) != "")
	add(errorSection(n.Error), n.Error != "")
	add(block{Type: "section", Fields: fields(n)}, true)
	add(section(burnRates(n)), len(n.Windows) > 0)
	add(section(traces(n.Traces, n.TracesNote)), len(n.Traces) > 0 || n.TracesNote != "")
	add(section("*Description*\n"+truncate(escape(n.SLO.Description), maxText-len("*Description*\n"))), n.SLO.Description != "")
	add(section(annotations(n.Annotations)), len(n.Annotations) > 0)
	add(block{Type: "context", Elements: []textObject{mrkdwn(labels(n.Labels))}}, len(n.Labels) > 0)
	if l := links(n); l != "" {
		add(block{Type: "context", Elements: []textObject{mrkdwn(l)}}, true)
	}
	return m
}

// headerText is the plain-text headline: "🔥 PAGE firing: checkout/requests-latency".
func headerText(n *alerting.Notification) string {
	subject := subject(n.SLO)
	if n.Status == alerting.Resolved {
		switch {
		case n.EndReason == alerting.EndEscalated:
			return "⏫ Escalated to page: " + subject
		case n.EndReason == alerting.EndSLORemoved:
			return "🗑️ Closed, SLO removed from the specs: " + subject
		case n.Kind == alerting.KindEvaluationFailing:
			return "✅ Evaluating again: " + subject
		case n.Kind == alerting.KindNoData:
			return "✅ Data again: " + subject
		case n.Kind == alerting.KindExhaustion:
			return "✅ Budget no longer runs out soon: " + subject
		}
		return "✅ Resolved: " + subject
	}
	icon := "⚠️"
	if n.Severity == "page" {
		icon = "🔥"
	}
	what := "firing"
	switch {
	case n.Status == alerting.Updated:
		icon, what = "🔎", "update, trace links found"
	case n.Kind == alerting.KindEvaluationFailing:
		what = "evaluation failing"
	case n.Kind == alerting.KindNoData:
		what = "no data"
	case n.Kind == alerting.KindExhaustion && n.Repeat:
		what = "budget still runs out soon"
	case n.Kind == alerting.KindExhaustion:
		what = "budget runs out soon"
	case n.Kind == alerting.KindBudgetSpent:
		icon, what = "🪫", "error budget spent"
	case !n.NoDataSince.IsZero():
		what = "held open, no data"
	case n.Repeat:
		what = "still firing"
	}
	return fmt.Sprintf("%s %s %s: %s", icon, strings.ToUpper(n.Severity), what, subject)
}

// statusNote says what the header cannot: which incident an update
// belongs to, why an incident ended when it is no recovery, and that an
// incident without data is held open.
func statusNote(n *alerting.Notification) string {
	switch {
	case n.Status == alerting.Updated:
		began := ""
		if !n.StartsAt.IsZero() {
			began = " that began " + timestamp(n.StartsAt)
		}
		return "Follow-up to the " + escape(n.Severity) + began + ": trace links found since it was sent. Same incident, still firing."
	case n.Status == alerting.Resolved && n.EndReason == alerting.EndEscalated:
		return "Escalated to page: the burn got worse, this is no recovery. The page incident takes over from this " + escape(n.Severity) + "."
	case n.Status == alerting.Resolved && n.EndReason == alerting.EndSLORemoved:
		return "SLO removed from the specs: burnwatch no longer evaluates it, so this incident is closed without a recovery."
	case n.Status != alerting.Resolved && !n.NoDataSince.IsZero():
		return "⏸️ *No data since " + timestamp(n.NoDataSince) + "*; held open, not resolved."
	}
	return ""
}

func subject(s alerting.SLOInfo) string {
	if s.ID != "" {
		return s.ID
	}
	return s.Service + "/" + s.Name
}

func errorSection(msg string) block {
	const title, fence = "*Error*\n```", "```"
	return section(title + truncate(escape(msg), maxText-len(title)-len(fence)) + fence)
}

// fields are the numbers at a glance, two columns.
func fields(n *alerting.Notification) []textObject {
	slo := escape(subject(n.SLO))
	if linked := link(n.DashboardURL, subject(n.SLO)); len(linked) <= maxField/2 {
		slo = linked
	}
	out := []textObject{
		field("SLO", slo),
		field("Objective", escape(fmt.Sprintf("%s%% over %s", percent(n.SLO.Objective), n.SLO.Period))),
		field("Service / team", escape(n.SLO.Service+" / "+n.SLO.Team)),
		field("Budget remaining", budgetLeft(n)),
		field("Severity", escape(n.Severity)+" ("+escape(string(n.Kind))+")"),
	}
	if !n.StartsAt.IsZero() {
		out = append(out, field("Started", timestamp(n.StartsAt)))
	}
	if !n.EndsAt.IsZero() {
		out = append(out, field("Ended", timestamp(n.EndsAt)))
	}
	return out[:min(len(out), maxFields)]
}

func field(title, value string) textObject {
	return mrkdwn(truncate("*"+title+"*\n"+value, maxField))
}

// burnRates lists every window pair: "1h 15.2× / 5m 18.0× (page above 14.4×)".
func burnRates(n *alerting.Notification) string {
	lines := make([]string, 0, len(n.Windows))
	for _, w := range n.Windows {
		l := fmt.Sprintf("• %s %s / %s %s (%s above %s×)",
			w.Long, rate(w.LongBurnRate), w.Short, rate(w.ShortBurnRate), n.Severity,
			strconv.FormatFloat(w.Factor, 'f', -1, 64))
		if w.Firing {
			l += " — *firing*"
		}
		lines = append(lines, truncate(escape(l), maxText/4))
	}
	return joinLines("*Burn rate against threshold*", lines, maxText)
}

// traces lists the exemplar traces, worst first: "• <url|trace 4bf92f35…>
// latency 3.2s > 2s", then the note on why there are none or few.
func traces(ts []alerting.TraceLink, note string) string {
	lines := make([]string, 0, min(len(ts), maxTraces))
	for _, t := range ts[:min(len(ts), maxTraces)] {
		lines = append(lines, "• "+link(t.URL, "trace "+shortID(t.TraceID))+" "+truncate(escape(t.Reason), 200))
	}
	noteLine := ""
	if note != "" {
		noteLine = "\n_" + truncate(escape(note), maxText/4) + "_"
	}
	out := joinLines("*Exemplar traces* (worst first)", lines, maxText-len(noteLine))
	if len(ts) > maxTraces && len(out)+len(moreNote(len(ts)-maxTraces))+len(noteLine) <= maxText {
		out += moreNote(len(ts) - maxTraces)
	}
	return out + noteLine
}

// shortID shows the first 8 characters of a trace id, as trace UIs do.
func shortID(id string) string {
	if utf8Len := len([]rune(id)); utf8Len <= 8 {
		return id
	}
	return string([]rune(id)[:8]) + "…"
}

func annotations(a map[string]string) string {
	lines := make([]string, 0, len(a))
	for _, k := range slices.Sorted(maps.Keys(a)) {
		lines = append(lines, truncate("*"+escape(k)+"*: "+escape(a[k]), maxText/4))
	}
	return joinLines("*Annotations*", lines, maxText)
}

// labels reads "Labels: `routing`=checkout-oncall · `tier`=1".
func labels(l map[string]string) string {
	parts := make([]string, 0, len(l))
	for _, k := range slices.Sorted(maps.Keys(l)) {
		parts = append(parts, "`"+escape(k)+"`="+truncate(escape(l[k]), 200))
	}
	return truncate("Labels: "+strings.Join(parts, " · "), maxText)
}

// links are the runbook and the dashboard.
func links(n *alerting.Notification) string {
	var parts []string
	if n.RunbookURL != "" {
		parts = append(parts, link(n.RunbookURL, "📖 Runbook"))
	}
	if n.DashboardURL != "" {
		parts = append(parts, link(n.DashboardURL, "📈 Dashboard"))
	}
	return strings.Join(parts, "  ·  ")
}

// rate formats a burn rate: "15.2×", "n/a" for a window without traffic.
func rate(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(r, 'f', 1, 64) + "×"
}

// budget formats the budget left: "42.3%", "-12.0% (overspent)".
// budgetLeft is the share of the budget left, saying over what it was
// counted when that is less than the period so far.
func budgetLeft(n *alerting.Notification) string {
	left := budget(n.BudgetRemaining)
	if scope := n.BudgetScope(); scope != "" && !math.IsNaN(n.BudgetRemaining) {
		left += " over " + escape(scope)
	}
	return left
}

func budget(b float64) string {
	switch {
	case math.IsNaN(b) || math.IsInf(b, 0):
		return "unknown"
	case b < 0:
		return strconv.FormatFloat(b*100, 'f', 1, 64) + "% (overspent)"
	}
	return strconv.FormatFloat(b*100, 'f', 1, 64) + "%"
}

// percent formats an objective given as a ratio as the spec wrote it:
// 0.999 → "99.9".
func percent(ratio float64) string { return transport.Format(ratio * 100) }

func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
