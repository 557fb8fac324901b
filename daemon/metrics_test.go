package daemon

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

func TestSLOMetricsSayHowMuchOfThePeriodTheBudgetCovers(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	rolling := slo.Period{Rolling: 30 * 24 * time.Hour}
	young := &slo.SLO{ID: "checkout/latency", Service: "checkout", Team: "shop", Period: rolling}
	unknown := &slo.SLO{ID: "checkout/raw", Service: "checkout", Team: "shop", Period: rolling}
	silent := &slo.SLO{ID: "search/errors", Service: "search", Team: "find", Period: rolling}
	d := &Daemon{}
	d.snapshot.Store(&web.Snapshot{At: at, Statuses: []burnrate.Status{
		{SLO: young, At: at, State: burnrate.StateOK, Budget: burnrate.Budget{Remaining: -68.91, Covered: 2 * time.Hour}},
		{SLO: unknown, At: at, State: burnrate.StateOK, Budget: burnrate.Budget{Remaining: 0.5}},
		{SLO: silent, At: at, State: burnrate.StateNoData, Budget: burnrate.Budget{Remaining: math.NaN(), Covered: time.Hour}},
	}})
	want := `
# HELP burnwatch_slo_error_budget_covered_seconds How much of the period so far the error budget was counted over: less than the period while the SLI's series are younger than it (a young Prometheus, a new service). Absent when not known.
# TYPE burnwatch_slo_error_budget_covered_seconds gauge
burnwatch_slo_error_budget_covered_seconds{slo="checkout/latency"} 7200
burnwatch_slo_error_budget_covered_seconds{slo="search/errors"} 3600
# HELP burnwatch_slo_evaluation_state 1 for the SLO's evaluation state.
# TYPE burnwatch_slo_evaluation_state gauge
burnwatch_slo_evaluation_state{slo="checkout/latency",state="ok"} 1
burnwatch_slo_evaluation_state{slo="checkout/raw",state="ok"} 1
burnwatch_slo_evaluation_state{slo="search/errors",state="no_data"} 1
`
	err := testutil.CollectAndCompare(sloCollector{d}, strings.NewReader(want),
		"burnwatch_slo_error_budget_covered_seconds", "burnwatch_slo_evaluation_state")
	if err != nil {
		t.Error(err)
	}
}
