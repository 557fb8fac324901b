package scale_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/burnwatch/burnwatch/internal/promtest"
)

// liveCost is what Prometheus 2.42 spends evaluating Sloth's rules for a
// set of SLOs, every 30 s, on the fleet's history.
type liveCost struct {
	groups, rules int
	// load is how long Prometheus took to load the rules (a reload).
	load time.Duration
	// evaluated groups ran in the measured interval; groupTime is the sum
	// of their evaluation times, longest the longest.
	evaluated          int
	groupTime, longest time.Duration
	// cpu is Prometheus' CPU time per 30 s while it evaluates the rules.
	cpu time.Duration
	// missed counts group iterations missed because the previous one ran
	// too long.
	missed float64
	// rss is Prometheus' resident set size with the rules loaded.
	rss       int64
	unhealthy int
	lastError string
}

// measureLive starts a Prometheus on the fleet's blocks, loads Sloth's rule
// files from rulesDir, and measures one evaluation interval. Prometheus is
// started with empty rule files, which the suite then fills and reloads:
// with 10,000 SLOs' rules Prometheus 2.42 takes longer to start than
// promtest waits.
func measureLive(t *testing.T, stage string, end time.Time, rulesDir string) liveCost {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(rulesDir, "*.rules.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule files in %s: %v", rulesDir, err)
	}
	slices.Sort(files)
	placeholders := make([]string, len(files))
	for i := range placeholders {
		placeholders[i] = "groups: []\n"
	}
	srv := startWithBlocks(t, stage, end, promtest.Options{RuleFiles: placeholders, EvaluationInterval: ruleInterval})
	paths := configuredRuleFiles(t, srv)
	if len(paths) != len(files) {
		t.Fatalf("Prometheus has %d rule files, want %d", len(paths), len(files))
	}
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(paths[i], data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	began := time.Now()
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Post(srv.URL+"/-/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reload with Sloth's rules: %s %s", resp.Status, msg)
	}
	var c liveCost
	c.load = time.Since(began)
	loaded := time.Now()
	m1 := metrics(t, srv)
	time.Sleep(ruleInterval + 5*time.Second)
	m2 := metrics(t, srv)
	elapsed := time.Since(loaded)
	c.cpu = time.Duration((m2["process_cpu_seconds_total"] - m1["process_cpu_seconds_total"]) / elapsed.Seconds() * float64(ruleInterval))
	c.missed = m2["prometheus_rule_group_iterations_missed_total"]
	c.rss = int64(m2["process_resident_memory_bytes"])
	g := ruleGroups(t, srv, loaded)
	c.groups, c.rules, c.evaluated, c.groupTime, c.longest = g.groups, g.rules, g.evaluated, g.total, g.longest
	c.unhealthy, c.lastError = g.unhealthyRules, g.firstLastError
	return c
}

// configuredRuleFiles returns the rule files of Prometheus' loaded
// configuration, from /api/v1/status/config.
func configuredRuleFiles(t *testing.T, srv *promtest.Server) []string {
	t.Helper()
	resp, err := http.Get(srv.URL + "/api/v1/status/config")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Data struct {
			YAML string `json:"yaml"`
		} `json:"data"`
	}
	if err := jsonDecode(resp.Body, &body); err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		RuleFiles []string `yaml:"rule_files"`
	}
	if err := yaml.Unmarshal([]byte(body.Data.YAML), &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg.RuleFiles
}
