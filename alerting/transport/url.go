package transport

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/burnwatch/burnwatch/internal/secret"
)

// CheckURL returns an error when raw is not an absolute http or https URL.
// The error never quotes raw, which may hold a secret; field names the
// setting ("webhook_url").
func CheckURL(field, raw string) error {
	if raw == "" {
		return fmt.Errorf("%s is required", field)
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the URL
		}
		return fmt.Errorf("%s is not a valid URL: %w", field, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%s must be an http or https URL", field)
	}
	if u.Host == "" {
		return fmt.Errorf("%s has no host", field)
	}
	return nil
}

// minURLPart is the shortest part of a URL that URLSecrets counts as a
// token: a Slack webhook's last segment has 24 bytes; shorter parts are
// words like "services" whose redaction would only mangle errors.
const minURLPart = 16

// URLSecrets returns what to redact of a URL that is a secret: the URL,
// its user's password and the basic-auth form of its user info, and the
// path segments, query values and fragment of at least 16 bytes, which
// are tokens when quoted on their own.
func URLSecrets(raw string) []string {
	out := []string{raw}
	u, err := url.Parse(raw)
	if err != nil {
		return out
	}
	if p, ok := u.User.Password(); ok {
		out = append(out, p, secret.BasicAuth(u.User.Username(), p))
	}
	parts := append(strings.Split(u.EscapedPath(), "/"), u.Fragment, u.RawQuery)
	for _, vs := range u.Query() {
		parts = append(parts, vs...)
	}
	for _, p := range parts {
		if len(p) >= minURLPart {
			out = append(out, p)
		}
	}
	return out
}

// minHeaderWord is the shortest word of a header value that HeaderSecrets
// counts as a token: "Bearer" and "Basic" are not.
const minHeaderWord = 8

// HeaderSecrets returns what to redact of a header value that is a
// secret: the value and, for "Bearer <token>"-like values, the token.
func HeaderSecrets(value string) []string {
	out := []string{value}
	for _, w := range strings.Fields(value) {
		if len(w) >= minHeaderWord {
			out = append(out, w)
		}
	}
	return out
}
