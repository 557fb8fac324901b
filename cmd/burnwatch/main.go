// Command burnwatch evaluates SLO error-budget burn from span metrics in
// Prometheus and alerts with links to the traces that explain it.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/burnwatch/burnwatch/internal/cli"

	_ "time/tzdata" // calendar SLO periods name time zones; carry the database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
