package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/backtest"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/osfs"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
)

// history is where a replay reads from and over what range: the flags
// that backtest and diff share.
type history struct {
	url, tsdb, from, to, last, format string
	step, timeout                     time.Duration
	headers                           stringList
	bearerFile                        string
}

func (h *history) register(fl *flag.FlagSet) {
	fl.StringVar(&h.url, "prometheus-url", "", "Prometheus-compatible API base URL, e.g. http://127.0.0.1:9090")
	fl.StringVar(&h.tsdb, "tsdb", "", "a Prometheus data directory, snapshot or block, read in-process without a server (instead of --prometheus-url)")
	fl.StringVar(&h.from, "from", "", "start of the range: RFC3339 or unix seconds")
	fl.StringVar(&h.to, "to", "", "end of the range: RFC3339 or unix seconds (default now)")
	fl.StringVar(&h.last, "last", "", "the range is this long and ends at --to, e.g. 30d (default 30d without --from)")
	fl.DurationVar(&h.step, "step", backtest.DefaultStep, "distance between evaluations: the evaluation interval, or coarser for speed")
	fl.StringVar(&h.format, "format", "text", "output format: text, json or markdown")
	fl.DurationVar(&h.timeout, "timeout", 2*time.Minute, "timeout of each query")
	fl.Var(&h.headers, "header", "extra HTTP header 'Name: value' (repeatable), e.g. 'X-Scope-OrgID: team-a'")
	fl.StringVar(&h.bearerFile, "bearer-token-file", "", "file holding a bearer token")
}

// check validates the flags and returns the range.
func (h *history) check(now time.Time) (from, to time.Time, err error) {
	switch {
	case (h.url == "") == (h.tsdb == ""):
		return from, to, errors.New("give one of --prometheus-url and --tsdb")
	case h.format != "text" && h.format != "json" && h.format != "markdown":
		return from, to, fmt.Errorf("--format %q is not text, json or markdown", h.format)
	case h.step <= 0:
		return from, to, fmt.Errorf("--step %s is not positive", h.step)
	case h.from != "" && h.last != "":
		return from, to, errors.New("give --from or --last, not both")
	}
	if to, err = parseTime(h.to, now); err != nil {
		return from, to, fmt.Errorf("--to: %w", err)
	}
	if h.from != "" {
		if from, err = parseTime(h.from, now); err != nil {
			return from, to, fmt.Errorf("--from: %w", err)
		}
	} else {
		last := h.last
		if last == "" {
			last = "30d"
		}
		d, err := model.ParseDuration(last)
		if err != nil || d <= 0 {
			return from, to, fmt.Errorf("--last %q is not a duration like 30d", last)
		}
		from = to.Add(-time.Duration(d))
	}
	if !from.Before(to) {
		return from, to, fmt.Errorf("the range %s to %s is empty", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	return from, to, nil
}

// open returns the querier the flags name and what closes it.
func (h *history) open(logger *slog.Logger) (burnrate.Querier, func() error, error) {
	if h.tsdb != "" {
		r, err := prom.OpenReadOnly(prom.EmbeddedOptions{Dir: h.tsdb, Timeout: h.timeout, Logger: logger})
		if err != nil {
			return nil, nil, err
		}
		return r, r.Close, nil
	}
	hdrs, err := parseHeaders(h.headers)
	if err != nil {
		return nil, nil, err
	}
	q, err := prom.NewHTTP(prom.HTTPOptions{URL: h.url, Timeout: h.timeout, Headers: hdrs, BearerTokenFile: h.bearerFile})
	if err != nil {
		return nil, nil, err
	}
	return q, func() error { return nil }, nil
}

// write renders a report in the chosen format.
func (h *history) write(w io.Writer, rep *backtest.Report) error {
	switch h.format {
	case "json":
		return backtest.WriteJSON(w, rep)
	case "markdown":
		return backtest.WriteMarkdown(w, rep)
	}
	return backtest.WriteText(w, rep)
}

func runBacktest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("backtest", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var specs stringList
	fl.Var(&specs, "specs", "spec file or directory (repeatable)")
	var h history
	h.register(fl)
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: burnwatch backtest --specs PATH (--prometheus-url URL | --tsdb DIR)\n"+
			"         [--from T --to T | --last 30d] [--step 30s] [--format text|json|markdown]\n\n"+
			"Replays every SLO's alert policy over history with the daemon's engine, one\n"+
			"evaluation per step, and reports per SLO each page and ticket that would\n"+
			"have fired, time firing, budget consumed and spans without data.\n\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	from, to, err := h.check(time.Now())
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "burnwatch backtest: %v\n", err)
		return exitUsage
	case len(specs) == 0:
		fmt.Fprintln(stderr, "burnwatch backtest: --specs is required")
		return exitUsage
	case fl.NArg() > 0:
		fmt.Fprintf(stderr, "burnwatch backtest: unexpected arguments %q\n", fl.Args())
		return exitUsage
	}
	slos, ok := loadSpecs(specs, "backtest", stderr)
	if !ok {
		return exitFailed
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	q, closeQ, err := h.open(logger)
	if err != nil {
		fmt.Fprintf(stderr, "burnwatch backtest: %v\n", err)
		return exitFailed
	}
	defer closeQ()
	rep, err := backtest.Run(ctx, backtest.Options{SLOs: slos, Querier: q, From: from, To: to, Step: h.step})
	if err != nil {
		fmt.Fprintf(stderr, "burnwatch backtest: %v\n", err)
		return exitFailed
	}
	if err := h.write(stdout, rep); err != nil {
		fmt.Fprintf(stderr, "burnwatch backtest: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// loadSpecs loads the SLOs of the given paths, or reports their problems.
func loadSpecs(paths []string, command string, stderr io.Writer) ([]*slo.SLO, bool) {
	set, diags := slo.Load(osfs.FS{}, paths...)
	if len(diags) > 0 {
		fmt.Fprintln(stderr, diags.Error())
		fmt.Fprintf(stderr, "burnwatch %s: %d problems in the specs; fix them first (burnwatch validate)\n", command, len(diags))
		return nil, false
	}
	return set.SLOs, true
}
