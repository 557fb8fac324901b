package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/burnwatch/burnwatch/daemon"
	"github.com/burnwatch/burnwatch/slo"
)

// configReport is the JSON form of `burnwatch validate --config`.
type configReport struct {
	Valid  bool             `json:"valid"`
	Config string           `json:"config"`
	Errors []slo.Diagnostic `json:"errors"`
}

// validateConfig checks a burnwatch.yaml as the daemon would load it, and
// reports every problem as path:line:col: message.
func validateConfig(path, format string, stdout, stderr io.Writer) int {
	_, err := daemon.LoadConfig(path)
	report := configReport{Valid: err == nil, Config: path, Errors: slo.Diagnostics{}}
	var diags slo.Diagnostics
	switch {
	case errors.As(err, &diags):
		report.Errors = diags
	case err != nil:
		report.Errors = slo.Diagnostics{{Path: path, Message: err.Error()}}
	}
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			fmt.Fprintf(stderr, "burnwatch validate: %v\n", err)
			return exitFailed
		}
	} else {
		for _, d := range report.Errors {
			fmt.Fprintln(stdout, d)
		}
		if report.Valid {
			fmt.Fprintf(stdout, "ok: config %s\n", path)
		} else {
			fmt.Fprintf(stdout, "%d problems in config %s\n", len(report.Errors), path)
		}
	}
	if !report.Valid {
		return exitFailed
	}
	return exitOK
}
