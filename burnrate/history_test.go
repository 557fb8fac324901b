package burnrate_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
)

// historyStart is a Sunday; the Monday after it starts an ISO week.
var historyStart = time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC)

// historyCalls renders the spanmetrics calls counter, one sample a minute
// from historyStart: 100 calls a minute, of which bad(m) fail in minute m.
func historyCalls(minutes int, bad func(m int) float64) string {
	var ok, failed strings.Builder
	var okTotal, badTotal float64
	for m := range minutes {
		if m > 0 {
			b := bad(m)
			okTotal += 100 - b
			badTotal += b
		}
		ok.WriteString(strconv.FormatFloat(okTotal, 'f', -1, 64) + " ")
		failed.WriteString(strconv.FormatFloat(badTotal, 'f', -1, 64) + " ")
	}
	return fmt.Sprintf("traces_span_metrics_calls_total{service_name=\"checkout\",status_code=\"STATUS_CODE_OK\"} %s\n"+
		"traces_span_metrics_calls_total{service_name=\"checkout\",status_code=\"STATUS_CODE_ERROR\"} %s\n", ok.String(), failed.String())
}

func historyEngine(t *testing.T, series string) *prom.Embedded {
	t.Helper()
	e, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if err := e.Load(context.Background(), historyStart, time.Minute, series); err != nil {
		t.Fatal(err)
	}
	return e
}

func historySLO(t *testing.T, period, sli string) *slo.SLO {
	t.Helper()
	spec := `version: burnwatch/v1
team: checkout
slos:
  - name: availability
    service: checkout
    objective: 99
    period: ` + period + `
    sli:
` + sli
	set, diags := slo.LoadBytes("spec.yaml", []byte(spec))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return set.SLOs[0]
}

const (
	historyErrorsSLI = `      errors:
        metric: traces_span_metrics_calls_total{service_name="checkout"}
`
	historyRawSLI = `      raw:
        error_ratio_query: sum(rate(traces_span_metrics_calls_total{service_name="checkout",status_code="STATUS_CODE_ERROR"}[{{.window}}])) / sum(rate(traces_span_metrics_calls_total{service_name="checkout"}[{{.window}}]))
`
)

// valueAt returns a series' value at t, and whether it has a point there.
func valueAt(points []burnrate.Point, t time.Time) (float64, bool) {
	for _, p := range points {
		if p.At.Equal(t) {
			return p.Value, true
		}
	}
	return 0, false
}

func near(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) < 1e-9
}

// Rolling day, 99%: 100 calls a minute from Sunday 00:00, one of them bad
// in each minute of Monday 00:00–06:00 (a burn rate of 1); the history ends
// Monday 12:00. Each point's budget sums the day before it.
func TestHistoryRollingBudget(t *testing.T) {
	monday := historyStart.Add(24 * time.Hour)
	engine := historyEngine(t, historyCalls(48*60+1, func(m int) float64 {
		if m > 24*60 && m <= 30*60 {
			return 1
		}
		return 0
	}))
	at := monday.Add(12 * time.Hour)
	for _, sli := range []struct{ name, spec string }{
		{"errors SLI", historyErrorsSLI},
		// Uniform traffic: the mean step ratio is the period's ratio.
		{"raw SLI", historyRawSLI},
	} {
		t.Run(sli.name, func(t *testing.T) {
			s := historySLO(t, "1d", sli.spec)
			h, err := burnrate.History(context.Background(), engine, s, at, burnrate.HistoryOptions{Points: 24})
			if err != nil {
				t.Fatal(err)
			}
			if h.Step != time.Hour {
				t.Errorf("step = %s, want 1h", h.Step)
			}
			if got, want := len(h.BudgetRemaining), 25; got != want {
				t.Fatalf("got %d budget points, want %d", got, want)
			}
			if first := h.BudgetRemaining[0].At; !first.Equal(at.Add(-24 * time.Hour)) {
				t.Errorf("first point at %s, want %s", first, at.Add(-24*time.Hour))
			}
			for _, c := range []struct {
				name string
				at   time.Time
				want float64
			}{
				{"a day without bad calls leaves the whole budget", monday, 1},
				{"three bad hours in the day spend an eighth of it", monday.Add(3 * time.Hour), 1 - (3.0/24)/1},
				{"six bad hours spend a quarter", monday.Add(12 * time.Hour), 0.75},
			} {
				got, ok := valueAt(h.BudgetRemaining, c.at)
				if !ok {
					t.Errorf("%s: no budget point at %s", c.name, c.at)
					continue
				}
				if !near(got, c.want) {
					t.Errorf("%s: budget remaining at %s = %v, want %v", c.name, c.at.Format(time.TimeOnly), got, c.want)
				}
			}
			if got, _ := valueAt(h.ErrorRatio, monday.Add(time.Hour)); !near(got, 0.01) {
				t.Errorf("error ratio over the first bad hour = %v, want 0.01", got)
			}
			if len(h.BurnRates) != 2 {
				t.Fatalf("got %d burn-rate series, want one per page rule (2)", len(h.BurnRates))
			}
			for _, c := range []struct {
				series int
				at     time.Time
				want   float64
			}{
				{0, monday.Add(time.Hour), 1},
				{0, monday.Add(7 * time.Hour), 0},
				{1, monday.Add(6 * time.Hour), 1},
				{1, monday.Add(12 * time.Hour), 0},
			} {
				bs := h.BurnRates[c.series]
				if got, _ := valueAt(bs.Points, c.at); !near(got, c.want) {
					t.Errorf("burn rate over %s at %s = %v, want %v", bs.Rule.Long, c.at.Format(time.TimeOnly), got, c.want)
				}
			}
		})
	}
}

// The history's last point is what the evaluator says now.
func TestHistoryEndsAtTheEvaluation(t *testing.T) {
	engine := historyEngine(t, historyCalls(48*60+1, func(m int) float64 {
		if m > 24*60 && m <= 30*60 {
			return 1
		}
		return 0
	}))
	s := historySLO(t, "1d", historyErrorsSLI)
	at := historyStart.Add(36*time.Hour + 17*time.Minute)
	h, err := burnrate.History(context.Background(), engine, s, at, burnrate.HistoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(context.Background(), engine, []*slo.SLO{s}, at)
	want := res.Statuses[0].Budget.Remaining
	last := h.BudgetRemaining[len(h.BudgetRemaining)-1]
	if !last.At.Equal(at) {
		t.Errorf("last point at %s, want %s", last.At, at)
	}
	// The history sums increase() over 7.2-minute steps, which
	// extrapolates a little where the bad rate changes inside a step; the
	// evaluator's tiles are exact.
	if math.Abs(last.Value-want) > 1e-3 {
		t.Errorf("last budget point = %v, evaluator says %v", last.Value, want)
	}
}

// Calendar week, 99%: Sunday burns half its calls, which belong to the week
// before; Monday fails one call a minute in 02:30–03:30. The history ends
// Monday 06:30, so its oldest step is cut at the week's start.
func TestHistoryCalendarWeekBudget(t *testing.T) {
	monday := historyStart.Add(24 * time.Hour)
	engine := historyEngine(t, historyCalls(30*60+31, func(m int) float64 {
		switch {
		case m <= 24*60:
			return 50
		case m > 24*60+150 && m <= 24*60+210:
			return 1
		}
		return 0
	}))
	s := historySLO(t, "week", historyErrorsSLI)
	at := monday.Add(6*time.Hour + 30*time.Minute)
	h, err := burnrate.History(context.Background(), engine, s, at, burnrate.HistoryOptions{Points: 168})
	if err != nil {
		t.Fatal(err)
	}
	if !h.From.Equal(monday) || !h.To.Equal(monday.Add(7*24*time.Hour)) {
		t.Errorf("chart spans %s to %s, want the week from %s", h.From, h.To, monday)
	}
	if got, want := len(h.BudgetRemaining), 7; got != want {
		t.Fatalf("got %d budget points, want %d (00:30 to 06:30)", got, want)
	}
	for _, c := range []struct {
		name string
		at   time.Time
		want float64
	}{
		{"Sunday's bad calls do not count in the week", monday.Add(30 * time.Minute), 1},
		{"before the bad hour the budget is whole", monday.Add(150 * time.Minute), 1},
		{"60 bad of 21000 calls spend 2/7 of it", monday.Add(210 * time.Minute), 1 - 60.0/21000/0.01},
		{"60 bad of 39000 calls", at, 1 - 60.0/39000/0.01},
	} {
		got, ok := valueAt(h.BudgetRemaining, c.at)
		if !ok {
			t.Errorf("%s: no budget point at %s", c.name, c.at)
			continue
		}
		if !near(got, c.want) {
			t.Errorf("%s: budget remaining at %s = %v, want %v", c.name, c.at.Format(time.TimeOnly), got, c.want)
		}
	}
}

// failingQuerier answers every query with an error.
type failingQuerier struct{}

func (failingQuerier) Query(context.Context, string, time.Time) (model.Vector, error) {
	return nil, errors.New("connection refused")
}

func (failingQuerier) QueryRange(context.Context, string, burnrate.Range) (model.Matrix, error) {
	return nil, errors.New("connection refused")
}

func TestHistoryQueryFailureNamesTheSLO(t *testing.T) {
	s := historySLO(t, "30d", historyErrorsSLI)
	_, err := burnrate.History(context.Background(), failingQuerier{}, s, historyStart, burnrate.HistoryOptions{})
	if err == nil {
		t.Fatal("History succeeded against a failing querier")
	}
	if got, want := err.Error(), "history of checkout/availability: connection refused"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestHistorySaysSinceWhenItHasData(t *testing.T) {
	// Three hours of data at the end of a 1d rolling period.
	eng := historyEngine(t, historyCalls(3*60+1, func(int) float64 { return 0 }))
	s := historySLO(t, "1d", historyErrorsSLI)
	at := historyStart.Add(3 * time.Hour)
	h, err := burnrate.History(context.Background(), eng, s, at, burnrate.HistoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := h.DataSince.Sub(historyStart); d < -h.Step || d > h.Step {
		t.Errorf("data since %s, want about %s (within a step of %s)", h.DataSince, historyStart, h.Step)
	}
	old := historyEngine(t, historyCalls(3*24*60+1, func(int) float64 { return 0 }))
	if h, err = burnrate.History(context.Background(), old, s, historyStart.Add(3*24*time.Hour), burnrate.HistoryOptions{}); err != nil {
		t.Fatal(err)
	}
	if !h.DataSince.Before(h.From) {
		t.Errorf("data since %s on a history older than the chart (from %s), want before it", h.DataSince, h.From)
	}
}
