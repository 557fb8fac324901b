package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/burnwatch/burnwatch/datacheck"
	"github.com/burnwatch/burnwatch/internal/osfs"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
)

// validateReport is the JSON form of `burnwatch validate --format json`.
// With --prometheus-url, what the data checks find is reported too: their
// errors among the errors, at the SLO's place, and their warnings apart.
type validateReport struct {
	Valid    bool             `json:"valid"`
	Files    int              `json:"files"`
	SLOs     []string         `json:"slos"`
	Errors   []slo.Diagnostic `json:"errors"`
	Warnings []slo.Diagnostic `json:"warnings"`
}

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	format := fl.String("format", "text", "output format: text or json")
	var headers stringList
	url := fl.String("prometheus-url", "", "also check the SLOs against the data of this Prometheus-compatible API")
	fl.Var(&headers, "header", "extra HTTP header 'Name: value' (repeatable), e.g. 'X-Scope-OrgID: team-a'")
	bearerFile := fl.String("bearer-token-file", "", "file holding a bearer token")
	timeout := fl.Duration("timeout", 30*time.Second, "timeout of each query")
	config := fl.String("config", "", "check this burnwatch.yaml instead of spec files")
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: burnwatch validate [--format text|json] [--prometheus-url URL [--header H]...] PATH...\n"+
			"       burnwatch validate [--format text|json] --config burnwatch.yaml\n\n"+
			"Checks spec files and directories (recursively, *.yaml and *.yml), or a\n"+
			"config file with its secrets. With --prometheus-url, also checks each SLO\n"+
			"against the data: its threshold is a bucket boundary, its selector and\n"+
			"error matcher match series, its series carry exemplars (a warning). Exits 0\n"+
			"when everything is valid, 1 when any problem is found, 2 on a usage error.\n\n")
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
	hdrs, err := parseHeaders(headers)
	if err != nil {
		fmt.Fprintf(stderr, "burnwatch validate: %v\n", err)
		return exitUsage
	}
	paths := make([]string, fl.NArg())
	for i, p := range fl.Args() {
		paths[i] = filepath.Clean(p)
	}
	set, diags := slo.Load(osfs.FS{}, paths...)
	var warnings slo.Diagnostics
	if *url != "" {
		q, err := prom.NewHTTP(prom.HTTPOptions{URL: *url, Timeout: *timeout, Headers: hdrs, BearerTokenFile: *bearerFile})
		if err != nil {
			fmt.Fprintf(stderr, "burnwatch validate: %v\n", err)
			return exitFailed
		}
		var dataErrs slo.Diagnostics
		dataErrs, warnings = checkData(ctx, q, set.SLOs)
		diags = append(diags, dataErrs...)
		diags.Sort()
		warnings.Sort()
	}
	report := validateReport{Valid: len(diags) == 0, Files: len(set.Files), SLOs: []string{}, Errors: diags, Warnings: warnings}
	if report.Errors == nil {
		report.Errors = slo.Diagnostics{}
	}
	if report.Warnings == nil {
		report.Warnings = slo.Diagnostics{}
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
		for _, w := range warnings {
			fmt.Fprintln(stdout, w.String())
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

// checkData checks the SLOs against the data, and reports each finding at
// the place of its SLO: errors, and warnings (prefixed "warning:"). A check
// that cannot run is an error: validation did not happen.
func checkData(ctx context.Context, q *prom.HTTP, slos []*slo.SLO) (errs, warnings slo.Diagnostics) {
	at := func(s *slo.SLO, msg string) slo.Diagnostic {
		return slo.Diagnostic{Path: s.Source.Path, Line: s.Source.Line, Column: s.Source.Column, Message: s.ID + ": " + msg}
	}
	for _, r := range datacheck.Check(ctx, q, slos, time.Now(), datacheck.Options{}) {
		if r.Err != nil {
			errs = append(errs, at(r.SLO, r.Err.Error()))
		}
		for _, msg := range r.Errors() {
			errs = append(errs, at(r.SLO, msg))
		}
		for _, msg := range r.Warnings() {
			warnings = append(warnings, at(r.SLO, "warning: "+msg))
		}
	}
	return errs, warnings
}
