package daemon

import (
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// A reload applies every setting of the config except the few that only a
// restart can change. This file names those, and finds the settings a
// reload changes, so that each one is either applied or reported.

// restartSettings are the settings a running daemon cannot change: the
// listener is bound and the store is open. A reload that changes one logs
// it, counts it in burnwatch_config_reload_restart_required_total and keeps
// the running value.
var restartSettings = map[string]bool{
	"listen_address": true,
	"data_dir":       true,
	// The store is opened once, and a replica keeps its lease.
	"store.postgres.dsn":   true,
	"store.postgres.lease": true,
}

// settingPaths lists the YAML path of every setting of a config:
// "prometheus.url", "alerting.repeat_interval", "receivers".
func settingPaths() []string {
	var paths []string
	walkSettings(reflect.ValueOf(Config{}), "", func(path string, _ reflect.Value) {
		paths = append(paths, path)
	})
	return paths
}

// changedSettings lists the settings whose values differ between two
// configs, secrets' resolved values included (a rotated token is a change).
func changedSettings(old, cur *Config) []string {
	values := map[string]reflect.Value{}
	walkSettings(reflect.ValueOf(*old), "", func(path string, v reflect.Value) { values[path] = v })
	var changed []string
	walkSettings(reflect.ValueOf(*cur), "", func(path string, v reflect.Value) {
		if !reflect.DeepEqual(values[path].Interface(), v.Interface()) {
			changed = append(changed, path)
		}
	})
	return changed
}

var yamlUnmarshaler = reflect.TypeFor[yaml.Unmarshaler]()

// walkSettings calls visit for every setting below v: it walks into
// structs (through pointers, a nil one as its zero value) and stops at
// anything else, a scalar, a list, a map, or a type that parses itself
// (a secret, a duration), which is one setting.
func walkSettings(v reflect.Value, prefix string, visit func(path string, v reflect.Value)) {
	t := v.Type()
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && !t.Implements(yamlUnmarshaler) {
		if v.IsNil() {
			v = reflect.Zero(t.Elem())
		} else {
			v = v.Elem()
		}
		t = v.Type()
	}
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(yamlUnmarshaler) {
		visit(prefix, v)
		return
	}
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
		walkSettings(v.Field(i), path, visit)
	}
}
