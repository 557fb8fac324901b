package helmtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/burnwatch/burnwatch/internal/cli"
)

// chartConfig is the part of the rendered burnwatch.yaml that must agree
// with the pod's layout.
type chartConfig struct {
	Specs         []string `yaml:"specs"`
	DataDir       string   `yaml:"data_dir"`
	ListenAddress string   `yaml:"listen_address"`
	Store         struct {
		Postgres struct {
			DSN struct {
				File string `yaml:"file"`
				Env  string `yaml:"env"`
			} `yaml:"dsn"`
		} `yaml:"postgres"`
	} `yaml:"store"`
}

// configText is the burnwatch.yaml of the chart's ConfigMap.
func configText(t *testing.T, objects []object) string {
	t.Helper()
	var cm struct {
		Data map[string]string `yaml:"data"`
	}
	find(t, objects, "ConfigMap").decode(t, &cm)
	text, ok := cm.Data["burnwatch.yaml"]
	if !ok {
		t.Fatalf("the ConfigMap has no burnwatch.yaml, only %v", cm.Data)
	}
	return text
}

func renderedConfig(t *testing.T, objects []object) chartConfig {
	t.Helper()
	var cfg chartConfig
	if err := yaml.Unmarshal([]byte(configText(t, objects)), &cfg); err != nil {
		t.Fatalf("the rendered burnwatch.yaml does not parse: %v", err)
	}
	return cfg
}

// podFiles lays out, under root, the files the pod of testdata/values.yaml
// sees: stand-in secrets in the Secrets' directories and two teams' specs
// in their ConfigMaps' directories. It returns the rendered config with
// its absolute paths moved under root.
func podFiles(t *testing.T, root, config string) string {
	t.Helper()
	files := map[string]string{
		"etc/burnwatch/secrets/pagerduty/routing_key": "example-routing-key\n",
		"etc/burnwatch/secrets/slack/webhook_url":     "http://127.0.0.1:1/services/T0/B0/example\n",
		"etc/burnwatch/secrets/web/password":          "example-password\n",
		"etc/burnwatch/secrets/postgres/dsn":          "postgres://burnwatch:example@127.0.0.1:5432/burnwatch\n",
	}
	for team, spec := range map[string]string{"checkout-slos": "checkout.yaml", "payments-slos": "payments.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "specs", spec))
		if err != nil {
			t.Fatal(err)
		}
		files["etc/burnwatch/specs/"+team+"/"+spec] = string(data)
	}
	rooted := strings.NewReplacer("/etc/burnwatch/", root+"/etc/burnwatch/", "/var/lib/burnwatch", root+"/var/lib/burnwatch").Replace(config)
	files["etc/burnwatch/config/burnwatch.yaml"] = rooted
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(root, "etc", "burnwatch", "config", "burnwatch.yaml")
}

// validate runs `burnwatch validate` with args and returns its exit code
// and output.
func validate(args ...string) (int, string) {
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), append([]string{"validate"}, args...), &stdout, &stderr)
	return code, stdout.String() + stderr.String()
}

func TestTheRenderedConfigPassesBurnwatchValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"The default values.", nil},
		{"Teams' specs, receivers and dashboard auth from Secrets.", []string{"--values", "testdata/values.yaml"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			config := podFiles(t, root, configText(t, mustRender(t, c.args...)))
			if code, out := validate("--config", config); code != 0 || !strings.HasPrefix(out, "ok: config") {
				t.Errorf("burnwatch validate --config: exit %d\n%s", code, out)
			}
			if code, out := validate(filepath.Join(root, "etc", "burnwatch", "specs")); code != 0 || !strings.HasPrefix(out, "ok: ") {
				t.Errorf("burnwatch validate of the mounted specs: exit %d\n%s", code, out)
			}
		})
	}
}

func TestTheRenderedConfigReadsTheMountedSecrets(t *testing.T) {
	root := t.TempDir()
	config := podFiles(t, root, configText(t, mustRender(t, "--values", "testdata/values.yaml")))
	if err := os.Remove(filepath.Join(root, "etc", "burnwatch", "secrets", "pagerduty", "routing_key")); err != nil {
		t.Fatal(err)
	}
	code, out := validate("--config", config)
	if code != 1 || !strings.Contains(out, "receivers[0].pagerduty.routing_key") {
		t.Errorf("burnwatch validate --config without the PagerDuty Secret's file: exit %d, want 1 naming receivers[0].pagerduty.routing_key\n%s", code, out)
	}
}

func TestTheHighAvailabilityConfigPassesBurnwatchValidate(t *testing.T) {
	root := t.TempDir()
	config := podFiles(t, root, configText(t, mustRender(t, "--values", "testdata/ha-values.yaml")))
	code, out := validate("--config", config)
	if strings.Contains(out, `unknown field "store"`) {
		t.Skip("this daemon has no PostgreSQL store (store.postgres) to validate the config against")
	}
	if code != 0 {
		t.Errorf("burnwatch validate --config: exit %d\n%s", code, out)
	}
}
