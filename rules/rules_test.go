package rules_test

import (
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/burnwatch/burnwatch/rules"
	"github.com/burnwatch/burnwatch/slo"
)

// promtool is the promtool binary, or a skip (a failure when
// BURNWATCH_REQUIRE_PROMETHEUS=1, as CI sets).
func promtool(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("BURNWATCH_REQUIRE_PROMETHEUS") == "1" {
			t.Fatal("BURNWATCH_REQUIRE_PROMETHEUS=1 but promtool is not installed (Debian package prometheus)")
		}
		t.Skip("promtool is not installed (Debian package prometheus, or scripts/install-test-deps.sh)")
	}
	return bin
}

// TestRulesOfEverySpecFormatPassPromtool writes the rules of the example
// specs of every format burnwatch reads and has promtool check them.
func TestRulesOfEverySpecFormatPassPromtool(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
	}{
		{"the example team specs", []string{"specs"}},
		{"Sloth prometheus/v1 specs", []string{"slo/testdata/valid"}},
		{"OpenSLO specs", []string{"slo/testdata/interop/openslo"}},
		{"Pyrra's examples", []string{"slo/testdata/interop/pyrra"}},
		{"Sloth's Kubernetes example", []string{"slo/testdata/interop/sloth-k8s/k8s-home-wifi.yml"}},
		{"a grouped SLO", []string{"rules/testdata/grouped.yaml"}},
	}
	bin := promtool(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, diags := slo.Load(os.DirFS(".."), tt.paths...)
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			f, err := rules.Generate(set.SLOs)
			if err != nil {
				t.Fatal(err)
			}
			data, err := f.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if _, errs := rulefmt.Parse(data, false, model.UTF8Validation, parser.NewParser(parser.Options{}), slog.New(slog.DiscardHandler)); len(errs) > 0 {
				t.Fatalf("Prometheus' rule parser: %v", errs)
			}
			file := filepath.Join(t.TempDir(), "slos.rules.yml")
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(bin, "check", "rules", file).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "SUCCESS") {
				t.Fatalf("promtool check rules: %v\n%s", err, out)
			}
			alerts := 0
			for _, g := range f.Groups {
				for _, r := range g.Rules {
					if r.Alert != "" {
						alerts++
					}
				}
			}
			if alerts == 0 {
				t.Error("no alerting rules written")
			}
		})
	}
}

func TestGroupedSLOsAggregateByTheirLabels(t *testing.T) {
	set, diags := slo.Load(os.DirFS("testdata"), "grouped.yaml")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	f, err := rules.Generate(set.SLOs)
	if err != nil {
		t.Fatal(err)
	}
	ratio := f.Groups[0].Rules[0]
	if !strings.HasPrefix(ratio.Expr, "(sum by (span_name) (increase(") || strings.Count(ratio.Expr, "sum by (span_name)") != 2 {
		t.Errorf("ratio of a grouped SLO = %s, want every sum by span_name", ratio.Expr)
	}
}
