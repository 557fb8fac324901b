package backtest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/slo"
)

// WriteText writes the report for a terminal: per SLO its alerts, time
// firing, budget and spans without data.
func WriteText(w io.Writer, rep *Report) error {
	fmt.Fprintf(w, "backtest %s to %s, one evaluation every %s (%d evaluations, %d queries)\n",
		stamp(rep.From), stamp(rep.To), model.Duration(rep.Step), rep.Evaluations, rep.Queries.RangeQueries+rep.Queries.InstantQueries)
	for _, s := range rep.SLOs {
		fmt.Fprintf(w, "\n%s (%s%% over %s): %s; page %s, ticket %s firing; %s of the budget consumed\n",
			s.ID, num(s.Objective), s.Period, alertCount(s), span(s.FiringPage), span(s.FiringTicket), pct(s.BudgetConsumed))
		if len(s.Alerts) > 0 {
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "  ALERT\tSTART\tEND\tFIRING\tPEAK BURN\tBUDGET")
			for _, a := range s.Alerts {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s×\t%s\n", tier(a), stamp(a.Start), end(a), span(a.Firing(rep.To)), burn(a.PeakBurn), pct(a.BudgetConsumed))
			}
			tw.Flush()
		}
		writeSpans(w, "no data", s.NoData, "  ")
		writeSpans(w, "not evaluated", s.Unevaluated, "  ")
	}
	return nil
}

// WriteMarkdown writes the report for a pull-request comment: one table
// row per alert, spans without data under it.
func WriteMarkdown(w io.Writer, rep *Report) error {
	fmt.Fprintf(w, "### Backtest: %s to %s\n\nOne evaluation every %s, %d evaluations.\n\n",
		stamp(rep.From), stamp(rep.To), model.Duration(rep.Step), rep.Evaluations)
	fmt.Fprintln(w, "| SLO | alerts | page firing | ticket firing | budget consumed |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, s := range rep.SLOs {
		fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s |\n", s.ID, alertCount(s), span(s.FiringPage), span(s.FiringTicket), pct(s.BudgetConsumed))
	}
	for _, s := range rep.SLOs {
		if len(s.Alerts) == 0 && len(s.NoData) == 0 && len(s.Unevaluated) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n#### `%s`\n\n", s.ID)
		if len(s.Alerts) > 0 {
			fmt.Fprintln(w, "| alert | start | end | firing | peak burn | budget |")
			fmt.Fprintln(w, "|---|---|---|---|---|---|")
			for _, a := range s.Alerts {
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s× | %s |\n", tier(a), stamp(a.Start), end(a), span(a.Firing(rep.To)), burn(a.PeakBurn), pct(a.BudgetConsumed))
			}
		}
		writeSpans(w, "No data", s.NoData, "- ")
		writeSpans(w, "Not evaluated", s.Unevaluated, "- ")
	}
	return nil
}

func writeSpans(w io.Writer, what string, spans []Span, prefix string) {
	for _, sp := range spans {
		fmt.Fprintf(w, "%s%s %s to %s (%s): %s\n", prefix, what, stamp(sp.From), stamp(sp.To), span(sp.To.Sub(sp.From)), sp.Reason)
	}
}

// WriteJSON writes the report as JSON: times in RFC 3339, durations in
// seconds, budgets as shares of the period's budget.
func WriteJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(reportJSON(rep))
}

type jsonReport struct {
	From           time.Time `json:"from"`
	To             time.Time `json:"to"`
	StepSeconds    float64   `json:"step_seconds"`
	Evaluations    int       `json:"evaluations"`
	RangeQueries   int64     `json:"range_queries"`
	InstantQueries int64     `json:"instant_queries"`
	SLOs           []jsonSLO `json:"slos"`
}

type jsonSLO struct {
	ID                  string      `json:"id"`
	Objective           float64     `json:"objective_percent"`
	Period              string      `json:"period"`
	Alerts              []jsonAlert `json:"alerts"`
	PageFiringSeconds   float64     `json:"page_firing_seconds"`
	TicketFiringSeconds float64     `json:"ticket_firing_seconds"`
	BudgetConsumed      float64     `json:"budget_consumed"`
	NoData              []jsonSpan  `json:"no_data"`
	Unevaluated         []jsonSpan  `json:"unevaluated"`
}

type jsonAlert struct {
	Kind           string     `json:"kind"`
	Severity       string     `json:"severity"`
	Start          time.Time  `json:"start"`
	End            *time.Time `json:"end"`
	EndReason      string     `json:"end_reason,omitempty"`
	FiringSeconds  float64    `json:"firing_seconds"`
	PeakBurn       float64    `json:"peak_burn_rate"`
	BudgetConsumed float64    `json:"budget_consumed"`
}

type jsonSpan struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Reason string    `json:"reason"`
}

func reportJSON(rep *Report) jsonReport {
	out := jsonReport{From: rep.From.UTC(), To: rep.To.UTC(), StepSeconds: rep.Step.Seconds(), Evaluations: rep.Evaluations,
		RangeQueries: rep.Queries.RangeQueries, InstantQueries: rep.Queries.InstantQueries, SLOs: []jsonSLO{}}
	for _, s := range rep.SLOs {
		js := jsonSLO{ID: s.ID, Objective: s.Objective, Period: s.Period, Alerts: []jsonAlert{},
			PageFiringSeconds: s.FiringPage.Seconds(), TicketFiringSeconds: s.FiringTicket.Seconds(),
			BudgetConsumed: finite(s.BudgetConsumed), NoData: spansJSON(s.NoData), Unevaluated: spansJSON(s.Unevaluated)}
		for _, a := range s.Alerts {
			js.Alerts = append(js.Alerts, alertJSON(a, rep.To))
		}
		out.SLOs = append(out.SLOs, js)
	}
	return out
}

func alertJSON(a Alert, to time.Time) jsonAlert {
	ja := jsonAlert{Kind: string(a.Kind), Severity: string(a.Severity), Start: a.Start.UTC(), EndReason: string(a.EndReason),
		FiringSeconds: a.Firing(to).Seconds(), PeakBurn: finite(a.PeakBurn), BudgetConsumed: finite(a.BudgetConsumed)}
	if !a.End.IsZero() {
		e := a.End.UTC()
		ja.End = &e
	}
	return ja
}

func spansJSON(spans []Span) []jsonSpan {
	out := []jsonSpan{}
	for _, sp := range spans {
		out = append(out, jsonSpan{From: sp.From.UTC(), To: sp.To.UTC(), Reason: sp.Reason})
	}
	return out
}

func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// alertCount counts an SLO's pages and tickets, of every kind, and says
// how many were budget alerts.
func alertCount(s SLOReport) string {
	pages, tickets, budget := 0, 0, 0
	for _, a := range s.Alerts {
		if a.Severity == slo.Page {
			pages++
		} else {
			tickets++
		}
		if a.Kind != alerting.KindBurn {
			budget++
		}
	}
	out := fmt.Sprintf("%d %s, %d %s", pages, plural(pages, "page"), tickets, plural(tickets, "ticket"))
	if budget > 0 {
		out += fmt.Sprintf(" (%d on the budget)", budget)
	}
	return out
}

// tier names an alert: its severity, and what it is about unless it is a
// burn alert.
func tier(a Alert) string {
	switch a.Kind {
	case alerting.KindExhaustion:
		return string(a.Severity) + " (budget exhaustion)"
	case alerting.KindBudgetSpent:
		return string(a.Severity) + " (budget spent)"
	}
	return string(a.Severity)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

func end(a Alert) string {
	if a.End.IsZero() {
		return "still firing"
	}
	return stamp(a.End)
}

// span is a duration to the second, as Prometheus writes them: 1h25m30s.
func span(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	return model.Duration(d.Round(time.Second)).String()
}

func burn(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func pct(f float64) string {
	return strings.TrimSuffix(strings.TrimSuffix(strconv.FormatFloat(f*100, 'f', 2, 64), "0"), ".0") + "%"
}
