package slack

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/receivertest"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

func TestAReportRendersAsBlocks(t *testing.T) {
	monday := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	d := &alerting.Digest{Team: "shop", Period: "week", From: monday, To: monday.AddDate(0, 0, 7), URL: "https://burnwatch.example.com/reports/shop?period=week",
		SLOs: []alerting.DigestSLO{
			{ID: "cart/availability", Objective: 0.999, Attainment: 0.99405, Met: false, BudgetConsumed: 5.95, BudgetRemaining: -4.2, ExhaustedInSeconds: 0},
			{ID: "cart/<latency>", Objective: 0.99, Attainment: burnrate.Number(math.NaN()), Met: true, BudgetConsumed: burnrate.Number(math.NaN()), BudgetRemaining: 1, ExhaustedInSeconds: burnrate.Number(math.NaN())},
		},
		Incidents: []alerting.DigestIncident{{SLOID: "cart/availability", Kind: alerting.KindBurn, Severity: slo.Page,
			StartedAt: monday.Add(58 * time.Hour), ResolvedAt: monday.Add(59 * time.Hour), DurationSeconds: 3600}},
	}
	d.ClosestToExhaustion = d.SLOs[:1]
	n := &alerting.Notification{ID: "r", Kind: alerting.KindReport, Status: alerting.Resolved, Severity: "ticket", Summary: d.Title(), Report: d}
	body, err := json.Marshal(render(Config{}, n))
	if err != nil {
		t.Fatal(err)
	}
	receivertest.Golden(t, "report", body)
}
