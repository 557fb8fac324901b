package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/burnwatch/burnwatch/internal/osfs"
	"github.com/burnwatch/burnwatch/rules"
	"github.com/burnwatch/burnwatch/slo"
)

func runRules(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("rules", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var specs stringList
	fl.Var(&specs, "specs", "spec file or directory (repeatable); any format burnwatch loads")
	out := fl.String("out", "", "write the rule file here instead of standard output")
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: burnwatch rules --specs PATH [--specs PATH]... [--out FILE]\n\n"+
			"Writes a Prometheus rule file for the SLOs: error-ratio recording rules\n"+
			"and multi-window multi-burn-rate page and ticket alerts, with Sloth's names,\n"+
			"for a fallback evaluated by Prometheus or a Mimir/Thanos ruler. Check it\n"+
			"with `promtool check rules`. Exits 1 when a spec has problems.\n\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	paths := append([]string{}, specs...)
	paths = append(paths, fl.Args()...)
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "burnwatch rules: name at least one spec file or directory with --specs")
		fl.Usage()
		return exitUsage
	}
	for i, p := range paths {
		paths[i] = filepath.Clean(p)
	}
	set, diags := slo.Load(osfs.FS{}, paths...)
	if len(diags) > 0 {
		for _, d := range diags {
			fmt.Fprintln(stderr, d)
		}
		fmt.Fprintf(stderr, "burnwatch rules: %d problems; no rules written\n", len(diags))
		return exitFailed
	}
	file, err := rules.Generate(set.SLOs)
	if err != nil {
		fmt.Fprintf(stderr, "burnwatch rules: %v\n", err)
		return exitFailed
	}
	data, err := file.Marshal()
	if err != nil {
		fmt.Fprintf(stderr, "burnwatch rules: %v\n", err)
		return exitFailed
	}
	if *out == "" {
		_, err = stdout.Write(data)
	} else {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "burnwatch rules: %v\n", err)
		return exitFailed
	}
	return exitOK
}
