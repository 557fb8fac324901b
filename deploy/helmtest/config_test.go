package helmtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
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

// standIns are stand-in values for the keys of the Secrets the test
// values refer to, and teamSpecs the spec file of each team's ConfigMap.
var (
	standIns = map[string]map[string]string{
		"burnwatch-pagerduty": {"routing_key": "example-routing-key\n"},
		"burnwatch-slack":     {"webhook_url": "http://127.0.0.1:1/services/T0/B0/example\n"},
		"burnwatch-web":       {"password": "example-password\n"},
		"burnwatch-postgres":  {"dsn": "postgres://burnwatch:example@127.0.0.1:5432/burnwatch\n"},
	}
	teamSpecs = map[string]string{"checkout-slos": "checkout.yaml", "payments-slos": "payments.yaml"}
)

// podFiles lays out, under root, the files the rendered pod sees where
// its Deployment mounts them: stand-in keys of each Secret, the example
// spec of each team's ConfigMap, and the rendered config. It returns the
// config's path and its spec paths, moved under root like every absolute
// path of the config.
func podFiles(t *testing.T, root string, objects []object) (string, []string) {
	t.Helper()
	d, c := burnwatchContainer(t, objects)
	files := map[string]string{}
	configMap := find(t, objects, "ConfigMap").Metadata.Name
	configArg := c.Args[slices.Index(c.Args, "--config")+1]
	for at, v := range mounts(t, d, c) {
		switch {
		case v.Secret != nil:
			keys, ok := standIns[v.Secret.SecretName]
			if !ok {
				t.Fatalf("no stand-in values for Secret %s", v.Secret.SecretName)
			}
			for key, value := range keys {
				files[at+"/"+key] = value
			}
		case v.ConfigMap != nil && v.ConfigMap.Name != configMap:
			spec, ok := teamSpecs[v.ConfigMap.Name]
			if !ok {
				t.Fatalf("no spec file for ConfigMap %s", v.ConfigMap.Name)
			}
			data, err := os.ReadFile(filepath.Join("..", "..", "specs", spec))
			if err != nil {
				t.Fatal(err)
			}
			files[at+"/"+spec] = string(data)
		}
	}
	under := strings.NewReplacer("/etc/burnwatch/", root+"/etc/burnwatch/", "/var/lib/burnwatch", root+"/var/lib/burnwatch")
	text := configText(t, objects)
	files[configArg] = under.Replace(text)
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var specs []string
	for _, s := range renderedConfig(t, objects).Specs {
		specs = append(specs, under.Replace(s))
	}
	return filepath.Join(root, filepath.FromSlash(configArg)), specs
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
		name  string
		args  []string
		specs bool
	}{
		{"The default values, which mount no team's specs.", nil, false},
		{"Teams' specs, receivers and dashboard auth from Secrets.", []string{"--values", "testdata/values.yaml"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			config, specs := podFiles(t, t.TempDir(), mustRender(t, c.args...))
			if code, out := validate("--config", config); code != 0 || !strings.HasPrefix(out, "ok: config") {
				t.Errorf("burnwatch validate --config: exit %d\n%s", code, out)
			}
			if !c.specs {
				return
			}
			// The daemon loads the config's spec paths: the teams' files
			// must be there.
			if code, out := validate(specs...); code != 0 || !strings.HasPrefix(out, "ok: ") || !strings.HasSuffix(out, " in 2 files\n") {
				t.Errorf("burnwatch validate %v, the config's specs: exit %d\n%s", specs, code, out)
			}
		})
	}
}

func TestTheRenderedConfigReadsTheMountedSecrets(t *testing.T) {
	root := t.TempDir()
	config, _ := podFiles(t, root, mustRender(t, "--values", "testdata/values.yaml"))
	if err := os.Remove(filepath.Join(root, "etc", "burnwatch", "secrets", "pagerduty", "routing_key")); err != nil {
		t.Fatal(err)
	}
	code, out := validate("--config", config)
	if code != 1 || !strings.Contains(out, "receivers[0].pagerduty.routing_key") {
		t.Errorf("burnwatch validate --config without the PagerDuty Secret's file: exit %d, want 1 naming receivers[0].pagerduty.routing_key\n%s", code, out)
	}
}

func TestTheHighAvailabilityConfigPassesBurnwatchValidate(t *testing.T) {
	config, _ := podFiles(t, t.TempDir(), mustRender(t, "--values", "testdata/ha-values.yaml"))
	code, out := validate("--config", config)
	if strings.Contains(out, `unknown field "store"`) {
		t.Skip("this daemon has no PostgreSQL store (store.postgres) to validate the config against")
	}
	if code != 0 {
		t.Errorf("burnwatch validate --config: exit %d\n%s", code, out)
	}
}
