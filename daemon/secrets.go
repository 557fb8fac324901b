package daemon

import (
	"reflect"

	"github.com/burnwatch/burnwatch/internal/secret"
)

// Every secret value of the config is removed from every text burnwatch
// logs, stores, shows or sends: a Prometheus or a proxy that echoes request
// headers in an error must not spread a token. This file finds the values;
// the daemon's logger, querier and snapshot apply the Redactor.

var secretType = reflect.TypeFor[secret.Secret]()

// configSecrets returns every resolved secret value of a config, found by
// walking it, so that a setting added anywhere is covered, and the
// basic-auth header value of every username with a password beside it.
func configSecrets(cfg *Config) []string {
	var values []string
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				walk(it.Value())
			}
		case reflect.Struct:
			if v.Type() == secretType {
				if s := v.Interface().(secret.Secret); s.Value() != "" {
					values = append(values, s.Value())
				}
				return
			}
			if user, password, ok := basicAuthOf(v); ok {
				values = append(values, secret.BasicAuth(user, password))
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(reflect.ValueOf(cfg).Elem())
	return values
}

// basicAuthOf reads a struct with a "username" string and a "password"
// secret, the shape of every basic_auth block.
func basicAuthOf(v reflect.Value) (user, password string, ok bool) {
	var u, p reflect.Value
	t := v.Type()
	for i := range t.NumField() {
		switch f := t.Field(i); {
		case f.Tag.Get("yaml") == "username" && f.Type.Kind() == reflect.String:
			u = v.Field(i)
		case f.Tag.Get("yaml") == "password" && f.Type == secretType:
			p = v.Field(i)
		}
	}
	if !u.IsValid() || !p.IsValid() {
		return "", "", false
	}
	password = p.Interface().(secret.Secret).Value()
	return u.String(), password, u.String() != "" && password != ""
}

// redactSecrets adds a config's secrets to those the daemon redacts. Values
// of earlier configs stay: texts stored while they were in use (a delivery
// error) may still hold them.
func (d *Daemon) redactSecrets(cfg *Config) {
	d.secretsMu.Lock()
	defer d.secretsMu.Unlock()
	for _, v := range configSecrets(cfg) {
		d.secretValues[v] = true
	}
	all := make([]string, 0, len(d.secretValues))
	for v := range d.secretValues {
		all = append(all, v)
	}
	d.redactor.Set(all...)
}
