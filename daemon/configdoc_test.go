package daemon

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// configPaths lists the YAML path of every setting of type t under prefix:
// "prometheus.tls.ca_file", "receivers[].slack.webhook_url". Nested
// sections are listed as well as their fields. A type that decodes itself
// (a duration, a secret) is one setting.
func configPaths(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()) {
		return nil
	}
	switch t.Kind() {
	case reflect.Slice:
		return configPaths(t.Elem(), prefix+"[]")
	case reflect.Struct:
	default:
		return nil
	}
	var paths []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		paths = append(paths, path)
		paths = append(paths, configPaths(f.Type, path)...)
	}
	return paths
}

func TestConfigPathsWalkNestedSectionsListsAndReceivers(t *testing.T) {
	paths := configPaths(reflect.TypeFor[Config](), "")
	for _, want := range []string{
		"prometheus.url",
		"prometheus.basic_auth.password",
		"prometheus.tls.insecure_skip_verify",
		"specs",
		"alerting.no_data_after",
		"receivers[].name",
		"receivers[].pagerduty.routing_key",
		"receivers[].alertmanager.basic_auth.username",
		"routes[].match.labels",
		"web.metrics_auth",
	} {
		if !slices.Contains(paths, want) {
			t.Errorf("the walk of Config misses %s; it found %v", want, paths)
		}
	}
	for _, unwanted := range []string{"prometheus.bearer_token.", "receivers[].slack.webhook_url.", "path"} {
		for _, p := range paths {
			if strings.HasPrefix(p, unwanted) {
				t.Errorf("the walk of Config lists %s, which is not a setting of its own", p)
			}
		}
	}
}

// TestEverySettingIsInTheConfigurationReference fails when a setting of
// burnwatch.yaml has no entry in docs/configuration.md, where each one is
// written as its path in backquotes.
func TestEverySettingIsInTheConfigurationReference(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range configPaths(reflect.TypeFor[Config](), "") {
		if !strings.Contains(string(doc), "`"+path+"`") {
			t.Errorf("docs/configuration.md does not describe `%s`", path)
		}
	}
}
