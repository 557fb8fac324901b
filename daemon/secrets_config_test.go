package daemon

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/internal/secret"
)

// secretPaths lists the YAML path of every secret setting a config type
// can hold, receivers' included ("receivers[].slack.webhook_url").
func secretPaths(t reflect.Type, prefix string) []string {
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		if t.Kind() == reflect.Slice {
			prefix += "[]"
		}
		return secretPaths(t.Elem(), prefix)
	}
	if t == secretType {
		return []string{prefix}
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for name, ft := range yamlFields(t) {
		out = append(out, secretPaths(ft, joinPath(prefix, name))...)
	}
	return out
}

// TestEverySecretSettingIsRedacted sets every secret setting of the config
// to a value of its own and checks that the redactor gets each one, and the
// basic-auth header value of each username and password. A secret setting
// added to the config without a line here fails the test.
func TestEverySecretSettingIsRedacted(t *testing.T) {
	values := map[string]string{}
	env := func(path string) string {
		name := fmt.Sprintf("BURNWATCH_TEST_SECRET_%d", len(values))
		values[path] = "http://127.0.0.1:1/value-of-" + strings.NewReplacer("[]", "", ".", "-").Replace(path)
		t.Setenv(name, values[path])
		return "{env: " + name + "}"
	}
	config := fmt.Sprintf(`prometheus:
  url: http://127.0.0.1:9090
  bearer_token: %s
  basic_auth: {username: reader, password: %s}
specs: [specs]
web:
  bearer_token: %s
  basic_auth: {username: sre, password: %s}
receivers:
  - name: chat
    slack: {webhook_url: %s}
  - name: pager
    pagerduty: {routing_key: %s}
  - name: hook
    webhook: {url: %s, secret: %s}
  - name: am-token
    alertmanager: {urls: [http://127.0.0.1:9093], bearer_token: %s}
  - name: am-basic
    alertmanager: {urls: [http://127.0.0.1:9093], basic_auth: {username: am, password: %s}}
default_receivers: [hook]
heartbeat: {url: %s}
store:
  postgres: {dsn: %s}
`, env("prometheus.bearer_token"), env("prometheus.basic_auth.password"),
		env("web.bearer_token"), env("web.basic_auth.password"),
		env("receivers[].slack.webhook_url"), env("receivers[].pagerduty.routing_key"),
		env("receivers[].webhook.url"), env("receivers[].webhook.secret"),
		env("receivers[].alertmanager.bearer_token"), env("receivers[].alertmanager.basic_auth.password"),
		env("heartbeat.url"), env("store.postgres.dsn"))
	for _, path := range secretPaths(reflect.TypeFor[Config](), "") {
		if _, ok := values[path]; !ok {
			t.Errorf("secret setting %s is not set by this test", path)
		}
	}
	cfg, err := LoadConfig(writeConfig(t, config))
	if err != nil {
		t.Fatal(err)
	}
	got := configSecrets(cfg)
	want := []string{
		secret.BasicAuth("reader", values["prometheus.basic_auth.password"]),
		secret.BasicAuth("sre", values["web.basic_auth.password"]),
		secret.BasicAuth("am", values["receivers[].alertmanager.basic_auth.password"]),
	}
	for _, v := range values {
		want = append(want, v)
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("the redactor does not get %q", w)
		}
	}
}
