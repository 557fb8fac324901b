package burnrate_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
)

func TestHistoryWithoutBurnRatesSendsOnlyTheBudgetsQueries(t *testing.T) {
	s := historySLO(t, "1d", historyErrorsSLI)
	at := historyStart.Add(36 * time.Hour)
	tests := []struct {
		name        string
		opts        burnrate.HistoryOptions
		queries     int
		burnSeries  int
		budgetDrawn bool
	}{
		{"by default, the tiles' two queries and one per page window", burnrate.HistoryOptions{}, 4, 2, true},
		{"without burn rates, the tiles' two queries only", burnrate.HistoryOptions{SkipBurnRates: true}, 2, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &recordingQuerier{}
			h, err := burnrate.History(context.Background(), q, s, at, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(q.queries) != tt.queries {
				t.Errorf("%d queries, want %d:\n%s", len(q.queries), tt.queries, strings.Join(q.queries, "\n"))
			}
			if len(h.Queries) != tt.queries {
				t.Errorf("the history lists %d queries, want %d", len(h.Queries), tt.queries)
			}
			if len(h.BurnRates) != tt.burnSeries {
				t.Errorf("%d burn-rate series, want %d", len(h.BurnRates), tt.burnSeries)
			}
			if got := len(h.BudgetRemaining) > 0; got != tt.budgetDrawn {
				t.Errorf("budget points: %v, want %v", got, tt.budgetDrawn)
			}
		})
	}
}
