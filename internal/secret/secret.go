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
}

// UnmarshalYAML refuses inline values: a secret is a file or a variable.
func (s *Secret) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return fmt.Errorf("line %d: a secret must not be written in the config: give {file: path} or {env: NAME}", n.Line)
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
	}
	return "unset"
}

// Set reports whether the config names a source.
func (s Secret) Set() bool { return s.File != "" || s.Env != "" }

// Value returns the resolved secret.
func (s Secret) Value() string { return s.value }

// Resolve reads the secret; relative files are relative to dir.
func (s *Secret) Resolve(dir string) error {
	switch {
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
