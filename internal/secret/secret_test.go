package secret

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestResolveAllNamesEveryFieldThatFails(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "key"), []byte("routing-key-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Key      Secret `yaml:"routing_key"`
		Token    Secret `yaml:"token"`
		Password Secret `yaml:"password"`
		Optional Secret `yaml:"optional"`
		Missing  Secret `yaml:"missing"`
		Short    Secret `yaml:"short"`
	}
	const doc = "routing_key: {file: key}\ntoken: inline-token-value\npassword: {env: BURNWATCH_TEST_UNSET_VARIABLE}\nshort: {env: BURNWATCH_TEST_SHORT}\n"
	t.Setenv("BURNWATCH_TEST_SHORT", "abc")
	if err := yaml.Unmarshal([]byte(doc), &cfg); err != nil {
		t.Fatalf("an inline secret must not stop decoding, so that the error can name its field: %v", err)
	}
	err := ResolveAll(dir,
		Field{"routing_key", &cfg.Key, true},
		Field{"token", &cfg.Token, false},
		Field{"password", &cfg.Password, true},
		Field{"optional", &cfg.Optional, false},
		Field{"missing", &cfg.Missing, true},
		Field{"short", &cfg.Short, false},
	)
	want := "token: a secret must not be written in the config: give {file: path} or {env: NAME}\n" +
		"password: environment variable BURNWATCH_TEST_UNSET_VARIABLE is not set\n" +
		"missing: give {file: path} or {env: NAME}\n" +
		"short: the secret from env BURNWATCH_TEST_SHORT is shorter than 4 characters"
	if err == nil || err.Error() != want {
		t.Errorf("ResolveAll = %v, want\n%s", err, want)
	}
	var inline *InlineError
	if !errors.As(err, &inline) || inline.Line != 2 || inline.Column != 8 {
		t.Errorf("the inline secret's place = %+v, want line 2, column 8", inline)
	}
	if err != nil && strings.Contains(err.Error(), "inline-token-value") {
		t.Error("the error shows the inline value")
	}
	if cfg.Key.Value() != "routing-key-from-file" {
		t.Errorf("routing_key = %q, want the file's value", cfg.Key.Value())
	}
	if cfg.Token.Value() != "" {
		t.Error("an inline value was kept")
	}
}

func TestALiteralIsResolvedAlready(t *testing.T) {
	s := Literal("value-in-code")
	if err := s.Resolve(t.TempDir()); err != nil || s.Value() != "value-in-code" {
		t.Errorf("Resolve = %v, value %q", err, s.Value())
	}
	if s.String() == "value-in-code" {
		t.Error("String shows the value")
	}
}
