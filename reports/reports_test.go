package reports_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/reports"
	"github.com/burnwatch/burnwatch/slo"
)

// monday is the start of the week the tests report on.
var monday = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

const step = 5 * time.Minute

// outageFrom and outageTo bound an hour of failed calls on Wednesday.
var outageFrom, outageTo = monday.Add(2*24*time.Hour + 10*time.Hour), monday.Add(2*24*time.Hour + 11*time.Hour)

// calls renders eight days of a calls counter, 100 calls a step, all of
// them failed during the outage.
func calls() string {
	var ok, bad strings.Builder
	var okTotal, badTotal float64
	for i := 0; i <= 8*24*12; i++ {
		at := monday.Add(time.Duration(i) * step)
		if i > 0 {
			if !at.Before(outageFrom.Add(step)) && !at.After(outageTo) {
				badTotal += 100
			} else {
				okTotal += 100
			}
		}
		ok.WriteString(strconv.FormatFloat(okTotal, 'f', -1, 64) + " ")
		bad.WriteString(strconv.FormatFloat(badTotal, 'f', -1, 64) + " ")
	}
	return fmt.Sprintf("calls_total{service_name=\"cart\",status_code=\"STATUS_CODE_OK\"} %s\ncalls_total{service_name=\"cart\",status_code=\"STATUS_CODE_ERROR\"} %s\n", ok.String(), bad.String())
}

func spec(corrections string) string {
	return `version: burnwatch/v1
team: shop
slos:
  - name: availability
    service: cart
    objective: 99.9
    sli:
      errors:
        metric: calls_total{service_name="cart"}
` + corrections
}

func TestAWeeklyReport(t *testing.T) {
	eng, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	if err := eng.Load(context.Background(), monday, step, calls()); err != nil {
		t.Fatal(err)
	}
	corrected := fmt.Sprintf(`    corrections:
      - reason: upstream outage
        from: %s
        to: %s
`, outageFrom.Format(time.RFC3339), outageTo.Add(step).Format(time.RFC3339))
	at := monday.Add(7*24*time.Hour + 9*time.Hour) // the next Monday, 09:00
	tests := []struct {
		name         string
		spec         string
		wantMet      bool
		wantConsumed float64 // share of the budget
	}{
		// An hour of 100% errors in a week of 100 calls per 5 minutes:
		// 1200 bad of 201,600, 0.595%, six times the 0.1% budget.
		{"an outage misses the objective", spec(""), false, 5.95},
		{"a corrected outage does not count", spec(corrected), true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, diags := slo.LoadBytes("shop.yaml", []byte(tt.spec))
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			s := set.SLOs[0]
			st := burnrate.Status{SLO: s, At: at, State: burnrate.StateOK, Budget: burnrate.Budget{Remaining: 0.42, ExhaustedIn: 36 * time.Hour, Exhausts: true}}
			inc := alerting.Incident{Key: "k", SLOID: s.ID, Kind: alerting.KindBurn, Severity: slo.Page, State: alerting.IncidentResolved,
				StartedAt: outageFrom.Add(4 * time.Minute), ResolvedAt: outageTo.Add(6 * time.Minute)}
			old := alerting.Incident{Key: "old", SLOID: s.ID, Kind: alerting.KindBurn, Severity: slo.Ticket, State: alerting.IncidentResolved,
				StartedAt: monday.Add(-48 * time.Hour), ResolvedAt: monday.Add(-47 * time.Hour)}
			d, ok, err := reports.Build(context.Background(), reports.Input{Team: "shop", Period: reports.Week, At: at,
				Statuses: []burnrate.Status{st}, Incidents: []alerting.Incident{inc, old}, Querier: eng})
			if err != nil || !ok {
				t.Fatalf("build: ok %v, err %v", ok, err)
			}
			if !d.From.Equal(monday) || !d.To.Equal(monday.AddDate(0, 0, 7)) {
				t.Errorf("period %s – %s, want the week from %s", d.From, d.To, monday)
			}
			got := d.SLOs[0]
			if got.Met != tt.wantMet || math.Abs(float64(got.BudgetConsumed)-tt.wantConsumed) > 0.05 {
				t.Errorf("met %v, budget consumed %.3f; want %v, %.2f (attainment %v)", got.Met, float64(got.BudgetConsumed), tt.wantMet, tt.wantConsumed, got.Attainment)
			}
			if len(d.Incidents) != 1 || d.Incidents[0].DurationSeconds != 62*60 {
				t.Errorf("incidents %+v, want the outage's page of 62 minutes only", d.Incidents)
			}
			if len(d.ClosestToExhaustion) != 1 || float64(d.ClosestToExhaustion[0].ExhaustedInSeconds) != 36*3600 {
				t.Errorf("closest to exhaustion %+v", d.ClosestToExhaustion)
			}
		})
	}
}

func TestTheLastCompletePeriod(t *testing.T) {
	at := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC) // a Wednesday
	tests := []struct {
		period   string
		from, to time.Time
	}{
		{reports.Week, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)},
		{reports.Month, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.period, func(t *testing.T) {
			from, to, err := reports.LastComplete(tt.period, at)
			if err != nil || !from.Equal(tt.from) || !to.Equal(tt.to) {
				t.Errorf("got %s – %s (%v), want %s – %s", from, to, err, tt.from, tt.to)
			}
		})
	}
}
