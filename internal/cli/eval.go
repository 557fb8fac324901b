package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/groups"
	"github.com/burnwatch/burnwatch/internal/osfs"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("eval", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var specs, headers stringList
	fl.Var(&specs, "specs", "spec file or directory (repeatable)")
	url := fl.String("prometheus-url", "", "Prometheus-compatible API base URL, e.g. http://127.0.0.1:9090")
	atFlag := fl.String("at", "", "evaluation time: RFC3339 or unix seconds (default now)")
	output := fl.String("output", "text", "output format: text or json")
	timeout := fl.Duration("timeout", 30*time.Second, "timeout of each query")
	fl.Var(&headers, "header", "extra HTTP header 'Name: value' (repeatable), e.g. 'X-Scope-OrgID: team-a'")
	bearerFile := fl.String("bearer-token-file", "", "file holding a bearer token")
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: burnwatch eval --specs PATH --prometheus-url URL [--at TIME] [--output json|text]\n\n"+
			"Evaluates every SLO once, with increase() over each whole window, and prints\n"+
			"error ratios, burn rates, budgets and which alert rules hold.\n\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "burnwatch eval: "+format+"\n", a...)
		return exitUsage
	}
	switch {
	case len(specs) == 0:
		return usageErr("--specs is required")
	case *url == "":
		return usageErr("--prometheus-url is required")
	case *output != "text" && *output != "json":
		return usageErr("--output %q is neither text nor json", *output)
	case fl.NArg() > 0:
		return usageErr("unexpected arguments %q", fl.Args())
	}
	at, err := parseTime(*atFlag, time.Now())
	if err != nil {
		return usageErr("--at: %v", err)
	}
	hdrs, err := parseHeaders(headers)
	if err != nil {
		return usageErr("%v", err)
	}

	set, diags := slo.Load(osfs.FS{}, specs...)
	if len(diags) > 0 {
		fmt.Fprintln(stderr, diags.Error())
		fmt.Fprintf(stderr, "burnwatch eval: %d problems in the specs; fix them first (burnwatch validate)\n", len(diags))
		return exitFailed
	}
	q, err := prom.NewHTTP(prom.HTTPOptions{URL: *url, Timeout: *timeout, Headers: hdrs, BearerTokenFile: *bearerFile})
	if err != nil {
		fmt.Fprintf(stderr, "burnwatch eval: %v\n", err)
		return exitFailed
	}
	// Grouped SLOs are evaluated as one SLO per group, as the daemon does.
	expander := groups.Expander{Logger: slog.New(slog.DiscardHandler)}
	slos := expander.Expand(ctx, q, set.SLOs, at)
	failedGroups := false
	for _, g := range expander.Groups() {
		if g.Err != nil {
			fmt.Fprintf(stderr, "burnwatch eval: %v\n", g.Err)
			failedGroups = true
		}
	}
	res := burnrate.NewEvaluator(burnrate.Options{Exact: true}).Evaluate(ctx, q, slos, at)
	report := burnrate.NewReport(res)
	if *output == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			fmt.Fprintf(stderr, "burnwatch eval: %v\n", err)
			return exitFailed
		}
	} else {
		writeEvalTable(stdout, report)
	}
	for _, s := range report.SLOs {
		if s.State == burnrate.StateError {
			return exitFailed
		}
	}
	if failedGroups {
		return exitFailed
	}
	return exitOK
}

// parseHeaders reads --header flags written 'Name: value'.
func parseHeaders(headers []string) (map[string]string, error) {
	out := map[string]string{}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return nil, fmt.Errorf("--header %q is not 'Name: value'", h)
		}
		out[strings.TrimSpace(name)] = strings.TrimSpace(value)
	}
	return out, nil
}

// parseTime reads RFC3339 or unix seconds (with a fraction); "" is now.
func parseTime(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return now, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, fmt.Errorf("%q is neither RFC3339 nor unix seconds", s)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

// writeEvalTable prints one line per SLO: state, budget and the burn rate
// of each window, then one line per firing or held rule. The state column
// says "burning" for an SLO evaluated fine whose alerts fire, so that it
// never reads "ok" beside a page.
func writeEvalTable(w io.Writer, r burnrate.Report) {
	fmt.Fprintf(w, "evaluated at %s\n\n", r.EvaluatedAt.Format(time.RFC3339))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SLO\tOBJECTIVE\tSTATE\tFIRING\tBUDGET LEFT\tBURN RATES")
	for _, s := range r.SLOs {
		firing, state := s.Firing, string(s.State)
		if firing == "" {
			firing = "-"
		} else if s.State == burnrate.StateOK {
			state = "burning" // evaluated fine, and an alert tier fires
		}
		fmt.Fprintf(tw, "%s\t%s%%\t%s\t%s\t%s\t%s\n", s.ID, strconv.FormatFloat(s.Objective*100, 'g', 10, 64),
			state, firing, budgetLeft(s, r.EvaluatedAt), burnRates(s))
	}
	tw.Flush()
	for _, s := range r.SLOs {
		if s.Reason != "" {
			fmt.Fprintf(w, "\n%s: %s", s.ID, s.Reason)
		}
		for _, a := range s.Alerts {
			if a.Firing || a.Held {
				verb := "FIRING"
				if a.Held {
					verb = "held (low traffic)"
				}
				fmt.Fprintf(w, "\n%s: %s %s — %s burn %s and %s burn %s both above %s", s.ID, a.Severity, verb,
					a.Long, rate(a.LongBurnRate), a.Short, rate(a.ShortBurnRate), strconv.FormatFloat(a.Factor, 'f', -1, 64))
			}
		}
	}
	fmt.Fprintln(w)
}

// budgetLeft is the remaining budget, saying over how much of the period
// it was counted when the data is younger than the period so far.
func budgetLeft(s burnrate.SLOReport, at time.Time) string {
	left := percent(s.Budget.Remaining)
	covered := time.Duration(float64(s.Budget.CoveredSeconds) * float64(time.Second)).Round(time.Minute)
	elapsed := min(at.Sub(s.Budget.PeriodStart), s.Budget.PeriodEnd.Sub(s.Budget.PeriodStart))
	if math.IsNaN(float64(s.Budget.CoveredSeconds)) || left == "n/a" || covered >= elapsed-time.Minute {
		return left
	}
	return fmt.Sprintf("%s (last %s of %s)", left, model.Duration(covered), s.Period)
}

// burnRates lists the burn rate of every window, shortest first.
func burnRates(s burnrate.SLOReport) string {
	type window struct {
		name string
		d    model.Duration
	}
	var ws []window
	for name := range s.Windows {
		d, err := model.ParseDuration(name)
		if err == nil {
			ws = append(ws, window{name, d})
		}
	}
	slices.SortFunc(ws, func(a, b window) int { return cmp.Compare(a.d, b.d) })
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.name + " " + rate(s.Windows[w.name].BurnRate)
	}
	return strings.Join(parts, "  ")
}

func rate(n burnrate.Number) string {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(f, 'f', 2, 64) + "×"
}

func percent(n burnrate.Number) string {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(f*100, 'f', 1, 64) + "%"
}
