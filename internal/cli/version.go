package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/burnwatch/burnwatch/internal/version"
)

// runVersion prints the version, commit and Go version of this binary.
func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "burnwatch version: takes no arguments, got %q\n", args)
		return exitUsage
	}
	fmt.Fprintln(stdout, version.Get())
	return exitOK
}
