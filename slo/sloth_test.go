package slo_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/slo"
)

// slothExamples returns the examples directory of the Sloth module this
// build uses, straight from the module cache.
func slothExamples(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/slok/sloth").Output()
	if err != nil {
		t.Skipf("go list cannot find the sloth module: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "examples")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("sloth examples not in the module cache: %v", err)
	}
	return dir
}

// TestSlothsOwnExamplesLoadUnchanged loads every prometheus/v1 example that
// Sloth ships, each on its own as Sloth would, and expects the ones that use
// no Sloth plugin to be valid.
func TestSlothsOwnExamplesLoadUnchanged(t *testing.T) {
	dir := slothExamples(t)
	valid := map[string]int{
		"getting-started.yml":      1,
		"home-wifi.yml":            2,
		"kubernetes-apiserver.yml": 2,
		"multifile.yml":            2,
		"no-alerts.yml":            1,
		"raw-home-wifi.yml":        1,
	}
	for name, slos := range valid {
		t.Run(name, func(t *testing.T) {
			set, diags := slo.Load(os.DirFS(dir), name)
			if len(diags) > 0 {
				t.Fatalf("%s:\n%v", name, diags)
			}
			if len(set.SLOs) != slos {
				t.Errorf("%s: %d SLOs, want %d", name, len(set.SLOs), slos)
			}
		})
	}
}

func TestSlothPluginsAreRejectedClearly(t *testing.T) {
	dir := slothExamples(t)
	for name, want := range map[string]string{
		"plugin-getting-started.yml":     "plugin SLIs are not supported",
		"slo-plugin-getting-started.yml": "Sloth SLO plugins are not supported",
	} {
		_, diags := slo.Load(os.DirFS(dir), name)
		if len(diags) == 0 || !strings.Contains(diags.Error(), want) {
			t.Errorf("%s: diagnostics %v, want one saying %q", name, diags, want)
		}
	}
}

func TestSlothSpecKeepsItsAlertingSettings(t *testing.T) {
	set, diags := slo.Load(os.DirFS(".."), "specs/search-sloth.yml")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	s := set.Get("search/requests-availability")
	if s == nil {
		t.Fatal("search/requests-availability not loaded")
	}
	if s.Objective != 0.995 || s.Alerting.Name != "SearchHighErrorRate" || s.Alerting.Page.Labels["severity"] != "critical" {
		t.Errorf("objective %v, alert %q, page labels %v", s.Objective, s.Alerting.Name, s.Alerting.Page.Labels)
	}
	if s.Source.Format != "prometheus/v1" || s.Labels["owner"] != "search-team" {
		t.Errorf("format %q, labels %v", s.Source.Format, s.Labels)
	}
}
