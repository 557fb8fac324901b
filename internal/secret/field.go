package secret

import (
	"errors"
	"fmt"
)

// Field is a secret setting of a config, named as in YAML ("routing_key",
// "basic_auth.password").
type Field struct {
	Name   string
	Secret *Secret
	// Required fields must be given; an optional one that is not is left
	// unset.
	Required bool
}

// ResolveAll resolves every field's secret, relative files relative to
// dir, and reports every problem at once, each as "name: problem".
func ResolveAll(dir string, fields ...Field) error {
	var errs []error
	for _, f := range fields {
		if !f.Required && !f.Secret.Set() {
			continue
		}
		if err := f.Secret.Resolve(dir); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.Name, err))
		}
	}
	return errors.Join(errs...)
}
