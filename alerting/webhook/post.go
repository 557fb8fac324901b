package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/burnwatch/burnwatch/alerting"
)

// Request is one JSON POST to a receiver's endpoint.
type Request struct {
	// URL is where to post. It may hold a secret (a Slack webhook token)
	// and never appears in errors.
	URL string
	// Endpoint names the endpoint in errors: "webhook", "events API",
	// "alertmanager 10.0.0.7:9093".
	Endpoint string
	// Header is sent as is; Content-Type defaults to application/json and
	// User-Agent to burnwatch.
	Header http.Header
	// Body is the JSON document to send.
	Body []byte
	// Secrets are replaced by "<redacted>" wherever they would appear in an
	// error, including an echo in the response body.
	Secrets []string
	// Now is the clock that Retry-After dates are measured against; nil
	// means time.Now.
	Now func() time.Time
}

// Post delivers one request and classifies the outcome the way every
// burnwatch receiver needs it (the slack, pagerduty and alertmanager
// receivers use it too):
//
//   - a 2xx status is success;
//   - a 429 or 503 with a Retry-After header (delta-seconds or an HTTP-date)
//     is retryable and wraps an [*alerting.RetryAfterError];
//   - any other 5xx, a 429, a 408 and a transport failure (timeout,
//     refused connection, cancelled context) are retryable;
//   - every other status is final.
//
// Errors say which endpoint failed and quote at most 200 bytes of the
// response body, never the URL or one of the Secrets.
func Post(ctx context.Context, client *http.Client, r Request) (retryable bool, err error) {
	what := "POST " + r.Endpoint
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		// NewRequest errors quote the URL: keep only what went wrong.
		return false, redact(fmt.Errorf("%s: build request: %w", what, stripURL(err)), r)
	}
	for k, vs := range r.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "burnwatch")
	}

	resp, err := client.Do(req)
	if err != nil {
		return true, redact(fmt.Errorf("%s: %w", what, stripURL(err)), r)
	}
	defer resp.Body.Close()
	snippet := readSnippet(resp.Body)
	// Drain a little more so that the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))

	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return false, nil
	}
	msg := what + ": " + resp.Status
	if snippet != "" {
		msg += ": " + snippet
	}
	// The message is built from scratch, so redacting it here covers the
	// whole chain below.
	err = errors.New(redactString(msg, r))
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		now := time.Now
		if r.Now != nil {
			now = r.Now
		}
		if after, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), now()); ok {
			return true, &alerting.RetryAfterError{After: after, Err: err}
		}
		return true, err
	case code >= 500, code == http.StatusRequestTimeout:
		return true, err
	default:
		return false, err
	}
}

// maxSnippet is how much of a response body an error quotes.
const maxSnippet = 200

// readSnippet reads the start of a response body as one line of valid
// UTF-8 of at most maxSnippet bytes, "…" marking a cut.
func readSnippet(body io.Reader) string {
	buf, _ := io.ReadAll(io.LimitReader(body, maxSnippet+1))
	cut := len(buf) > maxSnippet
	if cut {
		buf = buf[:maxSnippet]
		// Do not split a rune: drop an incomplete one at the end.
		for i := 0; i < utf8.UTFMax && len(buf) > 0 && !utf8.Valid(buf); i++ {
			buf = buf[:len(buf)-1]
		}
	}
	s := strings.ToValidUTF8(string(buf), "\uFFFD")
	s = strings.Join(strings.Fields(s), " ")
	if cut {
		s += "…"
	}
	return s
}

// stripURL drops the URL that net/http quotes in its errors, keeping the
// operation's cause.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redact returns err with every secret of r removed from its message. The
// cause stays reachable with errors.Is and errors.As.
func redact(err error, r Request) error {
	msg := err.Error()
	if clean := redactString(msg, r); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}

func redactString(s string, r Request) string {
	secrets := append(append([]string{r.URL}, urlSecrets(r.URL)...), r.Secrets...)
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "<redacted>")
		}
	}
	return s
}

// urlSecrets returns the parts of a URL that may be tokens when quoted on
// their own: a password, and path segments, query values and a fragment of
// at least 16 bytes (a Slack webhook's last segment has 24; shorter ones
// are words like "services" whose redaction would only mangle errors).
func urlSecrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []string
	if p, ok := u.User.Password(); ok {
		out = append(out, p)
	}
	parts := append(strings.Split(u.EscapedPath(), "/"), u.Fragment)
	for _, vs := range u.Query() {
		parts = append(parts, vs...)
	}
	for _, p := range parts {
		if len(p) >= 16 {
			out = append(out, p)
		}
	}
	return out
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
