package daemon

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "burnwatch.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTheExampleConfigLoads(t *testing.T) {
	t.Setenv("BURNWATCH_SLACK_WEBHOOK_URL", "http://127.0.0.1:1/services/T0/B0/x")
	t.Setenv("BURNWATCH_PAGERDUTY_ROUTING_KEY", "example-routing-key")
	t.Setenv("BURNWATCH_WEBHOOK_URL", "http://127.0.0.1:1/hook")
	t.Setenv("BURNWATCH_WEBHOOK_SECRET", "example-signing-secret")
	cfg, err := LoadConfig(filepath.Join("..", "burnwatch.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(cfg.EvaluationInterval) != 30*time.Second || len(cfg.Receivers) != 3 {
		t.Errorf("interval %s, %d receivers", time.Duration(cfg.EvaluationInterval), len(cfg.Receivers))
	}
	if _, _, err := buildReceivers(cfg, nil); err != nil {
		t.Fatal(err)
	}
	// The page route continues, but no later route matches a page of no
	// team: it goes to PagerDuty only; a ticket of no team to the default.
	if got := cfg.router().Receivers(nil, "page", "burn"); strings.Join(got, ",") != "oncall-pagerduty" {
		t.Errorf("page with no team goes to %v", got)
	}
	if got := cfg.router().Receivers(nil, "ticket", "burn"); strings.Join(got, ",") != "audit-webhook" {
		t.Errorf("ticket with no team goes to %v", got)
	}
}

var update = flag.Bool("update", false, "rewrite the golden files of testdata/config")

// TestBadConfigsSayEveryProblemAndWhere loads every config of
// testdata/config: each is invalid, and its error must be exactly its
// .golden file, every problem as path:line:col: message in YAML terms.
func TestBadConfigsSayEveryProblemAndWhere(t *testing.T) {
	t.Setenv("BURNWATCH_TEST_HOOK_URL", "http://127.0.0.1:1/hook")
	t.Setenv("BURNWATCH_TEST_SHORT_SECRET", "tooshort-15byte")
	files, err := filepath.Glob(filepath.Join("testdata", "config", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test configs: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			_, err := LoadConfig(file)
			if err == nil {
				t.Fatal("loaded without error")
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(file, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("error:\n%s\nwant:\n%s", got, want)
			}
			for _, goType := range []string{"struct {", "daemon.", "secret.Secret", "not found in type", "!!"} {
				if strings.Contains(got, goType) {
					t.Errorf("the error speaks of Go types (%q)", goType)
				}
			}
		})
	}
}

func TestSecretsNeverShowInErrors(t *testing.T) {
	t.Setenv("BURNWATCH_TEST_SECRET_URL", "http://127.0.0.1:1/very-secret-token-0123456789")
	path := writeConfig(t, "prometheus: {url: http://127.0.0.1:9090}\nspecs: [specs]\nreceivers:\n  - name: s\n    slack: {webhook_url: {env: BURNWATCH_TEST_SECRET_URL}, channel: 'not a channel'}\ndefault_receivers: [s]\n")
	_, err := LoadConfig(path)
	if err != nil && strings.Contains(err.Error(), "very-secret-token") {
		t.Errorf("error shows the secret: %v", err)
	}
}

func TestASecretFileMustBeASmallRegularFile(t *testing.T) {
	for _, file := range []string{"/dev/zero", t.TempDir()} {
		path := writeConfig(t, "prometheus: {url: http://127.0.0.1:9090, bearer_token: {file: "+file+"}}\nspecs: [specs]\n")
		if _, err := LoadConfig(path); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("secret file %s: error %v, want one saying it is not a regular file", file, err)
		}
	}
}

func TestNoDataAlertsDefaultToTenMinutes(t *testing.T) {
	cases := []struct {
		name, setting string
		want          time.Duration
	}{
		{"unset", "", 10 * time.Minute},
		{"set", "alerting: {no_data_after: 5m}\n", 5 * time.Minute},
		{"0s turns them off", "alerting: {no_data_after: 0s}\n", -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := LoadConfig(writeConfig(t, "prometheus: {url: http://127.0.0.1:9090}\nspecs: [specs]\n"+c.setting))
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Alerting.noDataAfter(); got != c.want {
				t.Errorf("no data after %s, want %s", got, c.want)
			}
		})
	}
}
