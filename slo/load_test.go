package slo_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/slo"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestInvalidFixturesReportTheirExactErrors loads every file in
// testdata/invalid and compares its diagnostics with the .errors file beside
// it, line for line.
func TestInvalidFixturesReportTheirExactErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	fsys := os.DirFS("testdata")
	for _, file := range files {
		name := strings.TrimPrefix(filepath.ToSlash(file), "testdata/")
		t.Run(filepath.Base(file), func(t *testing.T) {
			_, diags := slo.Load(fsys, name)
			if len(diags) == 0 {
				t.Fatalf("%s loaded without errors; an invalid fixture must fail", name)
			}
			got := diags.Error() + "\n"
			golden := strings.TrimSuffix(file, ".yaml") + ".errors"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run with -update to create it): %v", err)
			}
			if got != string(want) {
				t.Errorf("diagnostics of %s:\n got:\n%s\nwant:\n%s", name, got, want)
			}
		})
	}
}

func TestExampleSpecsAreValid(t *testing.T) {
	set, diags := slo.Load(os.DirFS(".."), "specs")
	if len(diags) > 0 {
		t.Fatalf("specs/ has problems:\n%v", diags)
	}
	want := []string{
		"checkout/requests-availability",
		"checkout/requests-latency",
		"order-consumer/messages-processed",
		"payments/authorize-errors",
		"search/requests-availability",
	}
	var got []string
	for _, s := range set.SLOs {
		got = append(got, s.ID)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("SLO ids = %v, want %v", got, want)
	}
}

func TestOneBadFileNeverHidesTheOthers(t *testing.T) {
	set, diags := slo.Load(os.DirFS("testdata"), "invalid/bad-names.yaml", "invalid/objective-out-of-range.yaml", "valid")
	if len(diags) == 0 {
		t.Fatal("want diagnostics from the invalid files")
	}
	paths := map[string]bool{}
	for _, d := range diags {
		paths[d.Path] = true
	}
	for _, p := range []string{"invalid/bad-names.yaml", "invalid/objective-out-of-range.yaml"} {
		if !paths[p] {
			t.Errorf("no diagnostic for %s", p)
		}
	}
	if set.Get("shop/cart-latency") == nil {
		t.Errorf("the valid SLO in testdata/valid was lost next to the invalid files")
	}
	for _, id := range []string{"payments/too-high", "payments/zero", "payments/not-a-number"} {
		if set.Get(id) != nil {
			t.Errorf("invalid SLO %s was kept", id)
		}
	}
}

func TestUnreadablePathsAreReported(t *testing.T) {
	_, diags := slo.Load(os.DirFS("testdata"), "no-such-dir")
	if len(diags) != 1 || !strings.Contains(diags[0].String(), "no-such-dir: cannot read: ") {
		t.Errorf("diagnostics = %v", diags)
	}
}

func TestAnAliasBombEndsWithAnError(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: burnwatch/v1\nteam: t\nslos:\n  - &s {name: a, service: b, objective: 99, labels: {a: b, c: d}, sli: {raw: {error_ratio_query: 'x[{{.window}}]'}}}\n")
	for range 20_000 {
		b.WriteString("  - *s\n")
	}
	_, diags := slo.LoadBytes("bomb.yaml", []byte(b.String()))
	if !strings.Contains(diags.Error(), "expands to more than") {
		t.Fatalf("an alias bomb was not stopped; %d diagnostics", len(diags))
	}
}

func TestADirectoryWithoutSpecsIsAnError(t *testing.T) {
	set, diags := slo.Load(os.DirFS("testdata"), "empty")
	if len(diags) != 1 || diags[0].String() != "empty: no spec files (*.yaml, *.yml) in this directory" {
		t.Errorf("diagnostics = %q, want one saying the directory holds no spec files", diags)
	}
	if len(set.SLOs) != 0 {
		t.Errorf("SLOs = %d", len(set.SLOs))
	}
}
