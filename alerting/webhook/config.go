package webhook

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/burnwatch/burnwatch/alerting/transport"
	"github.com/burnwatch/burnwatch/internal/secret"
)

// Config configures a generic webhook receiver: the receiver's section
// of burnwatch.yaml.
type Config struct {
	// URL is the endpoint to POST to. It is a secret, {file: path} or
	// {env: NAME}: it may carry a token.
	URL secret.Secret `yaml:"url"`
	// Headers are added to every request, for example an Authorization
	// header. Their values are treated as secrets: never logged, removed
	// from errors.
	Headers map[string]string `yaml:"headers,omitempty"`
	// Secret, when set, signs every request with HMAC-SHA256 (see Sign and
	// Verify). It is a secret, {file: path} or {env: NAME}.
	Secret secret.Secret `yaml:"secret,omitempty"`
}

// reservedHeaders are set by the receiver and cannot be configured.
var reservedHeaders = []string{
	"Content-Type", "Content-Length", "Host", "Transfer-Encoding",
	SignatureHeader, TimestampHeader,
}

// Resolve reads the config's secrets; relative files are relative to
// dir. Errors name the field.
func (c *Config) Resolve(dir string) error {
	return secret.ResolveAll(dir,
		secret.Field{Name: "url", Secret: &c.URL, Required: true},
		secret.Field{Name: "secret", Secret: &c.Secret},
	)
}

// Validate reports every problem of a resolved config, each naming its
// field. Errors never quote a secret.
func (c Config) Validate() error {
	var errs []error
	if err := transport.CheckURL("url", c.URL.Value()); err != nil {
		errs = append(errs, err)
	}
	for _, name := range slices.Sorted(maps.Keys(c.Headers)) {
		switch {
		case !validHeaderName(name):
			errs = append(errs, fmt.Errorf("headers: %q is not a valid header name", name))
		case slices.Contains(reservedHeaders, http.CanonicalHeaderKey(name)):
			errs = append(errs, fmt.Errorf("headers: %s is set by burnwatch and cannot be configured", http.CanonicalHeaderKey(name)))
		case strings.ContainsAny(c.Headers[name], "\r\n\x00"):
			errs = append(errs, fmt.Errorf("headers: the value of %s contains a line break or NUL", name))
		}
	}
	return errors.Join(errs...)
}

// validHeaderName reports whether name is an RFC 9110 token.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// secrets are the values the receiver's errors must never show.
func (c Config) secrets() []string {
	out := append(transport.URLSecrets(c.URL.Value()), c.Secret.Value())
	for _, v := range c.Headers {
		out = append(out, transport.HeaderSecrets(v)...)
	}
	return out
}
