package alerting_test

import (
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

func TestAPageSaysHowMuchOfThePeriodItsBudgetCovers(t *testing.T) {
	cases := []struct {
		name        string
		covered     time.Duration
		remaining   float64
		wantCovered time.Duration
		wantScope   string
		wantSummary string
	}{
		{
			name: "a young Prometheus with two hours of history", covered: 2 * time.Hour, remaining: -68.91,
			wantCovered: 2 * time.Hour, wantScope: "the last 2h of the 30d period",
			wantSummary: "budget over the last 2h of the 30d period: -6891.0% left",
		},
		{
			name: "history of a few minutes less than two hours", covered: 117 * time.Minute, remaining: 0.5,
			wantCovered: 117 * time.Minute, wantScope: "the last 1h57m of the 30d period",
			wantSummary: "budget over the last 1h57m of the 30d period: 50.0% left",
		},
		{
			name: "history older than the period", covered: 30 * 24 * time.Hour, remaining: 0.8,
			wantSummary: "80.0% of the budget left",
		},
		{
			name: "coverage not known", covered: 0, remaining: 0.8,
			wantSummary: "80.0% of the budget left",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := testSLO(t)
			store := openStore(t, t.TempDir())
			defer store.Close()
			m := newManager(t, store, alerting.ManagerOptions{RepeatInterval: time.Hour})
			st := status(s, t0, burnrate.StateOK, slo.Page)
			st.Budget.Remaining, st.Budget.Covered = c.remaining, c.covered
			st.Budget.PeriodStart, st.Budget.PeriodEnd = t0.Add(-30*24*time.Hour), t0
			process(t, m, st)
			e, err := store.Head("hook")
			if err != nil || e == nil {
				t.Fatalf("no notification queued: %v", err)
			}
			n := e.Notification
			if n.BudgetCovered != c.wantCovered {
				t.Errorf("BudgetCovered = %s, want %s", n.BudgetCovered, c.wantCovered)
			}
			if got := n.BudgetScope(); got != c.wantScope {
				t.Errorf("BudgetScope() = %q, want %q", got, c.wantScope)
			}
			if !strings.Contains(n.Summary, c.wantSummary) {
				t.Errorf("summary %q does not say %q", n.Summary, c.wantSummary)
			}
		})
	}
}

func TestACalendarPeriodCoveredSinceItsStartIsWhole(t *testing.T) {
	s := testSLO(t)
	s.Period = slo.Period{Calendar: slo.Month, Location: time.UTC}
	store := openStore(t, t.TempDir())
	defer store.Close()
	m := newManager(t, store, alerting.ManagerOptions{RepeatInterval: time.Hour})
	st := status(s, t0, burnrate.StateOK, slo.Page)
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	st.Budget.PeriodStart, st.Budget.PeriodEnd = start, start.AddDate(0, 1, 0)
	st.Budget.Covered = t0.Sub(start)
	process(t, m, st)
	e, err := store.Head("hook")
	if err != nil || e == nil {
		t.Fatalf("no notification queued: %v", err)
	}
	if e.Notification.BudgetCovered != 0 || e.Notification.BudgetScope() != "" {
		t.Errorf("a month covered since its first day reads as partial: covered %s, scope %q",
			e.Notification.BudgetCovered, e.Notification.BudgetScope())
	}
}
