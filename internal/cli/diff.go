package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/burnwatch/burnwatch/backtest"
)

func runDiff(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("diff", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var h history
	h.register(fl)
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: burnwatch diff OLD NEW (--prometheus-url URL | --tsdb DIR)\n"+
			"         [--from T --to T | --last 30d] [--step 30s] [--format text|json|markdown]\n\n"+
			"Compares two spec trees (files or directories): the SLOs added, removed and\n"+
			"changed, and for those the alerts that appear, disappear or move when their\n"+
			"policies are replayed over history, as burnwatch backtest does. Exits 1 when\n"+
			"any alert changes, 0 when none does, 2 on bad usage or an error.\n\n")
		fl.PrintDefaults()
	}
	paths, err := parseInterspersed(fl, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	from, to, err := h.check(time.Now())
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "burnwatch diff: %v\n", err)
		return exitUsage
	case len(paths) != 2:
		fmt.Fprintf(stderr, "burnwatch diff: want two spec trees, OLD and NEW; got %q\n", paths)
		return exitUsage
	}
	oldSLOs, ok := loadSpecs(paths[:1], "diff", stderr)
	if !ok {
		return exitUsage
	}
	newSLOs, ok := loadSpecs(paths[1:], "diff", stderr)
	if !ok {
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	q, closeQ, err := h.open(logger)
	if err != nil {
		fmt.Fprintf(stderr, "burnwatch diff: %v\n", err)
		return exitUsage
	}
	defer closeQ()
	d, err := backtest.Diff(ctx, oldSLOs, newSLOs, backtest.Options{Querier: q, From: from, To: to, Step: h.step})
	if err != nil {
		fmt.Fprintf(stderr, "burnwatch diff: %v\n", err)
		return exitUsage
	}
	switch h.format {
	case "json":
		err = backtest.WriteDiffJSON(stdout, d)
	case "markdown":
		err = backtest.WriteDiffMarkdown(stdout, d)
	default:
		err = backtest.WriteDiffText(stdout, d)
	}
	if err != nil {
		fmt.Fprintf(stderr, "burnwatch diff: %v\n", err)
		return exitUsage
	}
	if d.AlertsChanged() {
		return exitFailed
	}
	return exitOK
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments, and returns the positional ones.
func parseInterspersed(fl *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fl.Parse(args); err != nil {
			return nil, err
		}
		if fl.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fl.Arg(0))
		args = fl.Args()[1:]
	}
}
