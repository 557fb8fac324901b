package slack

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
)

// renderReport builds the Block Kit message of a team's digest: a header,
// a section per part (SLOs, closest to exhaustion, incidents) and a link to
// the report on the dashboard.
func renderReport(cfg Config, n *alerting.Notification) message {
	d := n.Report
	title := d.Title()
	m := message{Channel: cfg.Channel, Username: cfg.Username, IconEmoji: cfg.IconEmoji,
		Text:   truncate(escape("📊 "+title), maxFallback),
		Blocks: []block{{Type: "header", Text: &textObject{Type: "plain_text", Text: truncatePlain("📊 "+title, maxHeader), Emoji: true}}}}
	add := func(b block) {
		if len(m.Blocks) < maxBlocks {
			m.Blocks = append(m.Blocks, b)
		}
	}
	var slos []string
	for _, s := range d.SLOs {
		mark := "✅"
		if !s.Met {
			mark = "❌"
		}
		slos = append(slos, fmt.Sprintf("%s %s: %s against %s%%, %s of the budget consumed", mark, escape(s.ID),
			share(float64(s.Attainment), 3), percent(s.Objective), share(float64(s.BudgetConsumed), 1)))
	}
	add(section(joinLines("*Attainment against the objective*", slos, maxText)))
	var low []string
	for _, s := range d.ClosestToExhaustion {
		l := fmt.Sprintf("• %s: %s of the budget left", escape(s.ID), share(float64(s.BudgetRemaining), 1))
		switch v := float64(s.ExhaustedInSeconds); {
		case float64(s.BudgetRemaining) <= 0:
			l += ", already spent"
		case !math.IsNaN(v):
			l += ", spent in " + (time.Duration(v) * time.Second).Round(time.Minute).String() + " at the current burn"
		}
		low = append(low, l)
	}
	add(section(joinLines("*Closest to exhaustion now*", low, maxText)))
	incidents := []string{"no incidents"}
	if len(d.Incidents) > 0 {
		incidents = nil
	}
	for _, i := range d.Incidents {
		incidents = append(incidents, fmt.Sprintf("• %s %s %s: %s, began %s", escape(i.SLOID), escape(string(i.Severity)), escape(string(i.Kind)),
			(time.Duration(i.DurationSeconds)*time.Second).Round(time.Minute), timestamp(i.StartedAt)))
	}
	add(section(joinLines(fmt.Sprintf("*Incidents (%d)*", len(d.Incidents)), incidents, maxText)))
	if d.URL != "" {
		add(block{Type: "context", Elements: []textObject{mrkdwn(link(d.URL, "Open the report"))}})
	}
	return m
}

// share renders a share as a percentage with the given decimals; "–" when
// not known.
func share(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return strconv.FormatFloat(v*100, 'f', decimals, 64) + "%"
}
