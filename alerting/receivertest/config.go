package receivertest

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Resolver is a receiver's Config.
type Resolver interface {
	Resolve(dir string) error
	Validate() error
}

// LoadConfig decodes doc into cfg strictly, as the daemon does (unknown
// fields are errors), then resolves its secrets relative to the test's
// temporary directory and validates it. It fails the test on a decoding
// error and returns the error of Resolve or Validate.
func LoadConfig(t *testing.T, doc string, cfg Resolver) error {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		t.Fatalf("decode %q: %v", doc, err)
	}
	if err := cfg.Resolve(t.TempDir()); err != nil {
		return err
	}
	return cfg.Validate()
}
