package secret

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Redacted replaces a secret value in a redacted text.
const Redacted = "<redacted>"

// MinLength is the shortest value a Redactor removes: a shorter one would
// mangle every text it happens to occur in. Config validation should reject
// secrets this short.
const MinLength = 4

// Redactor removes every known secret value from texts: error messages from
// Prometheus or a receiver that echo request headers or URLs, log lines,
// stored delivery errors. It also removes the URL-escaped and base64 forms of
// each value, which is how a value travels in a URL or a basic-auth header.
// It is safe for concurrent use; Set replaces the values after a reload.
type Redactor struct {
	mu     sync.RWMutex
	values []string // longest first, so that a value inside another goes second
}

// NewRedactor returns a Redactor for the given values.
func NewRedactor(values ...string) *Redactor {
	r := &Redactor{}
	r.Set(values...)
	return r
}

// Set replaces the values the Redactor removes.
func (r *Redactor) Set(values ...string) {
	var all []string
	for _, v := range values {
		if len(v) < MinLength {
			continue
		}
		all = append(all, v, url.QueryEscape(v), url.PathEscape(v), base64.StdEncoding.EncodeToString([]byte(v)))
	}
	slices.SortFunc(all, func(a, b string) int { return len(b) - len(a) })
	all = slices.Compact(all)
	r.mu.Lock()
	r.values = all
	r.mu.Unlock()
}

// BasicAuth returns the value a basic-auth header carries for user and
// password, for Set: a server that echoes headers shows it, not the password.
func BasicAuth(user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
}

// Redact returns text with every known secret value replaced by Redacted.
// A nil Redactor returns text unchanged.
func (r *Redactor) Redact(text string) string {
	if r == nil {
		return text
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, v := range r.values {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, Redacted)
		}
	}
	return text
}
