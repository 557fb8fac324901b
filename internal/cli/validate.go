package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/burnwatch/burnwatch/internal/osfs"
	"github.com/burnwatch/burnwatch/slo"
)

// validateReport is the JSON form of `burnwatch validate --format json`.
type validateReport struct {
	Valid  bool             `json:"valid"`
	Files  int              `json:"files"`
	SLOs   []string         `json:"slos"`
	Errors []slo.Diagnostic `json:"errors"`
}

func runValidate(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	format := fl.String("format", "text", "output format: text or json")
	config := fl.String("config", "", "check this burnwatch.yaml instead of spec files")
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: burnwatch validate [--format text|json] PATH...\n"+
			"       burnwatch validate [--format text|json] --config burnwatch.yaml\n\n"+
			"Checks spec files and directories (recursively, *.yaml and *.yml), or a\n"+
			"config file with its secrets. Exits 0 when everything is valid, 1 when any\n"+
			"problem is found, 2 on a usage error.\n\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "burnwatch validate: --format %q is neither text nor json\n", *format)
		return exitUsage
	}
	if *config != "" {
		if fl.NArg() > 0 {
			fmt.Fprintln(stderr, "burnwatch validate: give --config or spec paths, not both")
			return exitUsage
		}
		return validateConfig(*config, *format, stdout, stderr)
	}
	if fl.NArg() == 0 {
		fmt.Fprintln(stderr, "burnwatch validate: name at least one spec file or directory")
		fl.Usage()
		return exitUsage
	}
	paths := make([]string, fl.NArg())
	for i, p := range fl.Args() {
		paths[i] = filepath.Clean(p)
	}
	set, diags := slo.Load(osfs.FS{}, paths...)
	report := validateReport{Valid: len(diags) == 0, Files: len(set.Files), SLOs: []string{}, Errors: diags}
	if report.Errors == nil {
		report.Errors = slo.Diagnostics{}
	}
	for _, s := range set.SLOs {
		report.SLOs = append(report.SLOs, s.ID)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			fmt.Fprintf(stderr, "burnwatch validate: %v\n", err)
			return exitFailed
		}
	} else {
		for _, d := range diags {
			fmt.Fprintln(stdout, d)
		}
		if report.Valid {
			fmt.Fprintf(stdout, "ok: %d SLOs in %d files\n", len(set.SLOs), len(set.Files))
		} else {
			fmt.Fprintf(stdout, "%d problems; %d valid SLOs in %d files\n", len(diags), len(set.SLOs), len(set.Files))
		}
	}
	if !report.Valid {
		return exitFailed
	}
	return exitOK
}
