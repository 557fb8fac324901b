package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
)

func TestEvalTableStateAgreesWithFiring(t *testing.T) {
	r := burnrate.Report{SLOs: []burnrate.SLOReport{
		{ID: "checkout/latency", Objective: 0.9990000000000001, State: burnrate.StateOK, Firing: "page",
			Alerts: []burnrate.AlertReport{{Severity: "page", Long: "1h", Short: "5m", Factor: 14.4, LongBurnRate: 20, ShortBurnRate: 30, Firing: true}}},
		{ID: "checkout/errors", Objective: 0.9995, State: burnrate.StateOK, Firing: "ticket"},
		{ID: "search/errors", Objective: 0.99, State: burnrate.StateOK},
		{ID: "queue/latency", Objective: 0.999, State: burnrate.StateNoData, Reason: "no data"},
	}}
	var out bytes.Buffer
	writeEvalTable(&out, r)
	rows := map[string][]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) >= 4 && strings.Contains(f[0], "/") && !strings.HasSuffix(f[0], ":") {
			rows[f[0]] = f
		}
	}
	tests := []struct{ id, objective, state, firing string }{
		{"checkout/latency", "99.9%", "burning", "page"},
		{"checkout/errors", "99.95%", "burning", "ticket"},
		{"search/errors", "99%", "ok", "-"},
		{"queue/latency", "99.9%", "no_data", "-"},
	}
	for _, tt := range tests {
		f := rows[tt.id]
		if len(f) < 4 || f[1] != tt.objective || f[2] != tt.state || f[3] != tt.firing {
			t.Errorf("row of %s = %q, want objective %s, state %s, firing %s", tt.id, f, tt.objective, tt.state, tt.firing)
		}
	}
}

func TestEvalTableSaysHowMuchOfThePeriodTheBudgetCovers(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	budget := func(covered time.Duration) burnrate.BudgetReport {
		return burnrate.BudgetReport{PeriodStart: at.Add(-30 * 24 * time.Hour), PeriodEnd: at, Remaining: 0.75, CoveredSeconds: burnrate.Number(covered.Seconds())}
	}
	r := burnrate.Report{EvaluatedAt: at, SLOs: []burnrate.SLOReport{
		{ID: "young/errors", Objective: 0.999, Period: "30d", State: burnrate.StateOK, Budget: budget(2 * time.Hour)},
		{ID: "old/errors", Objective: 0.999, Period: "30d", State: burnrate.StateOK, Budget: budget(30 * 24 * time.Hour)},
	}}
	var out bytes.Buffer
	writeEvalTable(&out, r)
	for _, line := range strings.Split(out.String(), "\n") {
		switch {
		case strings.HasPrefix(line, "young/") && !strings.Contains(line, "75.0% (last 2h of 30d)"):
			t.Errorf("a budget over 2h of 30d does not say so: %s", line)
		case strings.HasPrefix(line, "old/") && strings.Contains(line, "last"):
			t.Errorf("a budget over the whole period says it covers less: %s", line)
		}
	}
}
