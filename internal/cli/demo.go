package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/burnwatch/burnwatch/demo"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("demo", flag.ContinueOnError)
	fl.SetOutput(stderr)
	listen := fl.String("listen", demo.DefaultListen, "dashboard address; port 0 picks a free port")
	dataDir := fl.String("data-dir", "", "an empty directory for the demo's files, kept after it stops (default: a temporary directory, removed)")
	logLevel := fl.String("log-level", "info", "log level: debug, info, warn or error")
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: burnwatch demo [--listen 127.0.0.1:8080]\n\n"+
			"Runs burnwatch on synthetic span metrics, with nothing else installed: the\n"+
			"daemon on an embedded Prometheus engine with 30 days of history, a script of\n"+
			"incidents that pages within two minutes and then opens a ticket, an inbox\n"+
			"that shows the Slack and PagerDuty messages instead of sending them, and a\n"+
			"trace view behind every trace link. Ctrl-C stops it.\n\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil || fl.NArg() > 0 {
		fmt.Fprintf(stderr, "burnwatch demo: bad --log-level %q or extra arguments %q\n", *logLevel, fl.Args())
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	fmt.Fprintln(stdout, "burnwatch demo: writing 30 days of span metrics…")
	d, err := demo.New(ctx, demo.Options{Listen: *listen, DataDir: *dataDir, Logger: logger})
	if err != nil {
		logger.Error("cannot start the demo", "err", err)
		return exitFailed
	}
	d.WriteIntro(stdout)
	code := exitOK
	if err := d.Run(ctx); err != nil {
		logger.Error("the demo stopped with an error", "err", err)
		code = exitFailed
	}
	if err := d.Close(); err != nil {
		logger.Error("clean up", "err", err)
		code = exitFailed
	}
	return code
}
