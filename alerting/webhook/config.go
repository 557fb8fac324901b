package webhook

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/burnwatch/burnwatch/alerting/transport"
)

// Config configures a generic webhook receiver. Secrets arrive resolved:
// the daemon reads them from files or the environment.
type Config struct {
	// URL is the endpoint to POST to. It is a secret: it may carry a
	// token.
	URL string `yaml:"url"`
	// Headers are added to every request, for example an Authorization
	// header. Their values are secrets and never logged.
	Headers map[string]string `yaml:"headers,omitempty"`
	// Secret, when set, signs every request with HMAC-SHA256 (see Sign and
	// Verify). It is a secret.
	Secret string `yaml:"secret,omitempty"`
}

// reservedHeaders are set by the receiver and cannot be configured.
var reservedHeaders = []string{
	"Content-Type", "Content-Length", "Host", "Transfer-Encoding",
	SignatureHeader, TimestampHeader,
}

// Validate reports the first problem with c. Errors never quote a secret.
func (c Config) Validate() error {
	if err := transport.CheckURL("url", c.URL); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(c.Headers)) {
		if !validHeaderName(name) {
			return fmt.Errorf("headers: %q is not a valid header name", name)
		}
		if slices.Contains(reservedHeaders, http.CanonicalHeaderKey(name)) {
			return fmt.Errorf("headers: %s is set by burnwatch and cannot be configured", http.CanonicalHeaderKey(name))
		}
		if strings.ContainsAny(c.Headers[name], "\r\n\x00") {
			return fmt.Errorf("headers: the value of %s contains a line break or NUL", name)
		}
	}
	if c.Secret != "" && strings.TrimSpace(c.Secret) == "" {
		return errors.New("secret is blank")
	}
	return nil
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
	out := append(transport.URLSecrets(c.URL), c.Secret)
	for _, v := range c.Headers {
		out = append(out, transport.HeaderSecrets(v)...)
	}
	return out
}
