// Package secret holds the values that must never be written in a config
// file nor appear in a log line, a page or an API answer: the Secret type that
// configs use to name where a value is, and the Redactor that removes every
// known secret value from a text before it leaves the process.
package secret

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Secret is a value that must not live in the config file: a webhook URL, a
// routing key, a token. The config names where it is, `{file: path}` or
// `{env: NAME}`, and the value is read when the config is loaded. It never
// appears in logs, pages or API answers.
type Secret struct {
	File string `yaml:"file"`
	Env  string `yaml:"env"`
	// value is the secret, once resolved.
	value string
	// inline is where the config wrote a value instead of a source; the
	// value itself is never kept.
	inline *InlineError
}

// Literal returns a resolved Secret holding value, for configs built in
// code (tests, the demo) rather than read from a file.
func Literal(value string) Secret { return Secret{value: value} }

// InlineError is a secret written in the config itself. Resolve returns
// it, so that the caller can name the field: "receivers[2].pagerduty.routing_key:
// a secret must not be written in the config: …".
type InlineError struct {
	// Line and Column locate the value in the config file.
	Line, Column int
}

func (e *InlineError) Error() string {
	return "a secret must not be written in the config: give {file: path} or {env: NAME}"
}

// UnmarshalYAML takes a source, {file: path} or {env: NAME}. An inline
// value is not kept: it is remembered as an InlineError, which Resolve
// returns.
func (s *Secret) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = Secret{inline: &InlineError{Line: n.Line, Column: n.Column}}
		return nil
	}
	type plain Secret
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*s = Secret(p)
	return nil
}

// String never shows the value.
func (s Secret) String() string {
	switch {
	case s.File != "":
		return "file " + s.File
	case s.Env != "":
		return "env " + s.Env
	case s.value != "":
		return "given in code"
	}
	return "unset"
}

// Set reports whether the config gives the secret at all: a source, or
// an inline value that Resolve will refuse.
func (s Secret) Set() bool { return s.File != "" || s.Env != "" || s.inline != nil }

// Value returns the resolved secret.
func (s Secret) Value() string { return s.value }

// Resolve reads the secret; relative files are relative to dir. A
// Literal is resolved already; an inline value is an *InlineError.
func (s *Secret) Resolve(dir string) error {
	switch {
	case s.inline != nil:
		return s.inline
	case s.File == "" && s.Env == "" && s.value != "":
		return nil // a Literal
	case s.File != "" && s.Env != "":
		return errors.New("give file or env, not both")
	case s.File != "":
		path := s.File
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		data, err := readSecretFile(path)
		if err != nil {
			return fmt.Errorf("read secret file: %w", err)
		}
		s.value = strings.TrimSpace(string(data))
	case s.Env != "":
		v, ok := os.LookupEnv(s.Env)
		if !ok {
			return fmt.Errorf("environment variable %s is not set", s.Env)
		}
		s.value = strings.TrimSpace(v)
	default:
		return errors.New("give {file: path} or {env: NAME}")
	}
	if s.value == "" {
		return fmt.Errorf("secret from %s is empty", s)
	}
	return nil
}

// maxSecret bounds a secret file: a token or URL, not a stream.
const maxSecret = 64 << 10

// readSecretFile reads a regular file of at most maxSecret bytes.
func readSecretFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSecret+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSecret {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxSecret)
	}
	return data, nil
}
