// Package cli implements burnwatch's subcommands. Each one parses its flags,
// wires the packages that do the work and turns the outcome into output and
// an exit code; none holds business logic.
package cli

import (
	"context"
	"fmt"
	"io"
)

// Exit codes shared by all subcommands.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	usageHeader = `burnwatch evaluates SLO error-budget burn from span metrics and alerts with
links to the traces that explain it.

Usage:
  burnwatch <command> [flags]

Commands:
`
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"validate", "check SLO spec files and report every problem as path:line:col", runValidate},
		{"convert", "print specs of any supported format (OpenSLO, Pyrra, Sloth) as burnwatch/v1", runConvert},
		{"eval", "evaluate every SLO once against a Prometheus API and print the numbers", runEval},
		{"backtest", "replay the alert policies over history: the pages and tickets they would have raised", runBacktest},
		{"diff", "compare two spec trees: the SLOs changed and the alerts they add or drop over history", runDiff},
		{"rules", "write Prometheus recording and alerting rules for SLOs (Sloth's names), as a fallback", runRules},
		{"run", "run the daemon: evaluate on schedule, alert, serve the dashboard", runRun},
		{"gate", "ask the deploy gate whether a service may deploy now: exit 0 allow, 1 deny", runGate},
		{"demo", "see it work: synthetic incidents page, open a ticket and resolve, offline", runDemo},
		{"version", "print the version, commit and Go version of this binary", runVersion},
	}
}

// Main runs the subcommand named by args[0] and returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "--version" || args[0] == "-version" {
		return runVersion(ctx, args[1:], stdout, stderr)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "burnwatch: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, usageHeader)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'burnwatch <command> -h' for a command's flags, 'burnwatch --version' for the version.\n")
}
