// Package prometheus holds the Prometheus rules that watch burnwatch
// itself (burnwatch-rules.yaml) and tests them: promtool checks them and runs
// their unit tests (burnwatch-rules_test.yaml), and every burnwatch metric
// they name must be one the code exports.
package prometheus

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"gopkg.in/yaml.v3"
)

const (
	rulesFile     = "burnwatch-rules.yaml"
	rulesTestFile = "burnwatch-rules_test.yaml"
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

func TestRulesPassPromtoolCheck(t *testing.T) {
	out, err := exec.Command(promtool(t), "check", "rules", rulesFile).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
}

func TestRulesPassTheirUnitTests(t *testing.T) {
	out, err := exec.Command(promtool(t), "test", "rules", rulesTestFile).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}

// TestEveryRuleIsUnitTested: each alert has a test case in which it fires.
func TestEveryRuleIsUnitTested(t *testing.T) {
	var tests struct {
		Tests []struct {
			AlertRuleTest []struct {
				Alertname string `yaml:"alertname"`
				ExpAlerts []any  `yaml:"exp_alerts"`
			} `yaml:"alert_rule_test"`
		} `yaml:"tests"`
	}
	readYAML(t, rulesTestFile, &tests)
	fires := map[string]bool{}
	for _, tc := range tests.Tests {
		for _, a := range tc.AlertRuleTest {
			if len(a.ExpAlerts) > 0 {
				fires[a.Alertname] = true
			}
		}
	}
	for _, r := range rules(t) {
		if !fires[r.Alert] {
			t.Errorf("alert %s has no test case in %s in which it fires", r.Alert, rulesTestFile)
		}
	}
}

// TestRulesNameMetricsTheCodeExports parses every rule's expression and
// looks for each burnwatch metric it names in the code, so that a renamed
// metric cannot leave an alert that never fires.
func TestRulesNameMetricsTheCodeExports(t *testing.T) {
	source := exportedNames(t, "../..")
	p := parser.NewParser(parser.Options{})
	for _, r := range rules(t) {
		expr, err := p.ParseExpr(r.Expr)
		if err != nil {
			t.Fatalf("alert %s: %v", r.Alert, err)
		}
		parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
			vs, ok := node.(*parser.VectorSelector)
			if !ok || !strings.HasPrefix(vs.Name, "burnwatch_") {
				return nil
			}
			name := strings.TrimSuffix(vs.Name, "_count") // a histogram's series
			switch {
			case source[name]:
			default:
				t.Errorf("alert %s names %s, which no Go file of burnwatch exports", r.Alert, vs.Name)
			}
			return nil
		})
	}
}

type rule struct {
	Alert string `yaml:"alert"`
	Expr  string `yaml:"expr"`
}

func rules(t *testing.T) []rule {
	t.Helper()
	var file struct {
		Groups []struct {
			Rules []rule `yaml:"rules"`
		} `yaml:"groups"`
	}
	readYAML(t, rulesFile, &file)
	var all []rule
	for _, g := range file.Groups {
		all = append(all, g.Rules...)
	}
	if len(all) == 0 {
		t.Fatalf("%s has no rules", rulesFile)
	}
	return all
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

var metricName = regexp.MustCompile(`"(burnwatch_[a-z0-9_]+)"`)

// exportedNames are the quoted burnwatch_… names in the non-test Go files
// under root: the names metrics are registered with.
func exportedNames(t *testing.T, root string) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && slices.Contains([]string{".git", "node_modules", "testdata"}, d.Name()) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range metricName.FindAllStringSubmatch(string(data), -1) {
			names[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}
