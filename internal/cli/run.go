package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/burnwatch/burnwatch/daemon"
	"github.com/burnwatch/burnwatch/slo"
)

func runRun(ctx context.Context, args []string, _, stderr io.Writer) int {
	fl := flag.NewFlagSet("run", flag.ContinueOnError)
	fl.SetOutput(stderr)
	config := fl.String("config", "burnwatch.yaml", "config file")
	logLevel := fl.String("log-level", "info", "log level: debug, info, warn or error")
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: burnwatch run --config burnwatch.yaml\n\n"+
			"Runs the daemon: evaluates every SLO each evaluation_interval, alerts through\n"+
			"the configured receivers and serves the dashboard. SIGHUP or a change of the\n"+
			"config or a spec reloads; SIGTERM or Ctrl-C stops it gracefully.\n\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil || fl.NArg() > 0 {
		fmt.Fprintf(stderr, "burnwatch run: bad --log-level %q or extra arguments %q\n", *logLevel, fl.Args())
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	d, err := daemon.New(daemon.Options{ConfigPath: *config, Reload: hup, Logger: logger})
	if err != nil {
		// Config and spec problems, one path:line:col: message a line, as
		// `burnwatch validate` prints them.
		var diags slo.Diagnostics
		if errors.As(err, &diags) {
			for _, d := range diags {
				fmt.Fprintln(stderr, d)
			}
		}
		logger.Error("cannot start", "err", err)
		return exitFailed
	}
	if err := d.Run(ctx); err != nil {
		logger.Error("stopped with an error", "err", err)
		return exitFailed
	}
	return exitOK
}
