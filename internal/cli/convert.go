package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/burnwatch/burnwatch/internal/osfs"
	"github.com/burnwatch/burnwatch/slo"
)

func runConvert(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("convert", flag.ContinueOnError)
	fl.SetOutput(stderr)
	to := fl.String("to", slo.NativeVersion, "the format to write; only "+slo.NativeVersion)
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: burnwatch convert [--to burnwatch/v1] PATH...\n\n"+
			"Reads spec files and directories in any format burnwatch loads (burnwatch/v1,\n"+
			"Sloth prometheus/v1 and PrometheusServiceLevel, OpenSLO v1, Pyrra\n"+
			"ServiceLevelObjective) and prints the same SLOs as burnwatch/v1 specs, one\n"+
			"document per team. Exits 1 when a spec has problems, which are printed\n"+
			"as path:line:col, and nothing is converted.\n\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	if *to != slo.NativeVersion {
		fmt.Fprintf(stderr, "burnwatch convert: --to %q: only %s can be written\n", *to, slo.NativeVersion)
		return exitUsage
	}
	if fl.NArg() == 0 {
		fmt.Fprintln(stderr, "burnwatch convert: name at least one spec file or directory")
		fl.Usage()
		return exitUsage
	}
	paths := make([]string, fl.NArg())
	for i, p := range fl.Args() {
		paths[i] = filepath.Clean(p)
	}
	set, diags := slo.Load(osfs.FS{}, paths...)
	if len(diags) > 0 {
		for _, d := range diags {
			fmt.Fprintln(stderr, d)
		}
		fmt.Fprintf(stderr, "burnwatch convert: %d problems; nothing converted\n", len(diags))
		return exitFailed
	}
	out, err := slo.NativeSpec(set.SLOs)
	if err != nil {
		fmt.Fprintf(stderr, "burnwatch convert: %v\n", err)
		return exitFailed
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintf(stderr, "burnwatch convert: %v\n", err)
		return exitFailed
	}
	return exitOK
}
