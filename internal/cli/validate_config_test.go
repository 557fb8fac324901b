package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateConfigReportsEveryProblemAtItsPlace(t *testing.T) {
	t.Setenv("BURNWATCH_TEST_HOOK_URL", "http://127.0.0.1:1/hook")
	t.Setenv("BURNWATCH_SLACK_WEBHOOK_URL", "http://127.0.0.1:1/services/T0/B0/x")
	t.Setenv("BURNWATCH_PAGERDUTY_ROUTING_KEY", "example-routing-key")
	t.Setenv("BURNWATCH_WEBHOOK_URL", "http://127.0.0.1:1/hook")
	t.Setenv("BURNWATCH_WEBHOOK_SECRET", "example-signing-secret")
	testdata := filepath.Join("..", "..", "daemon", "testdata", "config")
	golden := func(name string) string {
		data, err := os.ReadFile(filepath.Join(testdata, name+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		// The golden files name the config as the daemon's tests open it.
		return strings.ReplaceAll(string(data), "testdata/config/", filepath.ToSlash(testdata)+"/")
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"the example config", []string{"--config", filepath.Join("..", "..", "burnwatch.example.yaml")}, exitOK,
			"ok: config ../../burnwatch.example.yaml\n"},
		{"unknown fields", []string{"--config", filepath.Join(testdata, "unknown-field.yaml")}, exitFailed,
			golden("unknown-field") + "2 problems in config " + filepath.Join(testdata, "unknown-field.yaml") + "\n"},
		{"values of the wrong kind", []string{"--config", filepath.Join(testdata, "wrong-types.yaml")}, exitFailed,
			golden("wrong-types") + "8 problems in config " + filepath.Join(testdata, "wrong-types.yaml") + "\n"},
		{"a missing file", []string{"--config", "no-such.yaml"}, exitFailed,
			"no-such.yaml: config no-such.yaml: open no-such.yaml: no such file or directory\n1 problems in config no-such.yaml\n"},
		{"a config and spec paths", []string{"--config", "burnwatch.yaml", "specs/"}, exitUsage, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(context.Background(), append([]string{"validate"}, c.args...), &stdout, &stderr)
			if code != c.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, c.code, stderr.String())
			}
			if stdout.String() != c.want {
				t.Errorf("output:\n%s\nwant:\n%s", stdout.String(), c.want)
			}
		})
	}
}
