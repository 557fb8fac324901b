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
// dir, and reports every problem at once, each as "name: problem". A value
// shorter than MinLength is a problem: a Redactor could not remove it from
// error texts.
func ResolveAll(dir string, fields ...Field) error {
	var errs []error
	for _, f := range fields {
		if !f.Required && !f.Secret.Set() {
			continue
		}
		if err := f.Secret.Resolve(dir); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.Name, err))
		} else if len(f.Secret.Value()) < MinLength {
			errs = append(errs, fmt.Errorf("%s: the secret from %s is shorter than %d characters", f.Name, f.Secret, MinLength))
		}
	}
	return errors.Join(errs...)
}
