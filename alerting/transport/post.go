package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/burnwatch/burnwatch/alerting"
)

// Request is one JSON POST to a receiver's endpoint.
type Request struct {
	// URL is where to post. It may hold a secret (a Slack webhook token):
	// the Sender's secrets should include it and URLSecrets of it, and
	// errors never quote it.
	URL string
	// Endpoint names the endpoint in errors: "webhook", "events API",
	// "alertmanager 10.0.0.7:9093".
	Endpoint string
	// Header is sent as is; Content-Type defaults to application/json and
	// User-Agent to burnwatch.
	Header http.Header
	// Body is the JSON document to send.
	Body []byte
	// MaxBody, when positive, is the largest body the endpoint accepts: a
	// longer one is a final failure, not sent.
	MaxBody int
}

// Post delivers one request, classifies the outcome (see the package
// documentation) and returns an error that says which endpoint failed and
// quotes at most 200 bytes of the response body, without the URL or one
// of the receiver's secrets. The error does not name the receiver: pass it
// to Wrap.
func (s *Sender) Post(ctx context.Context, r Request) (retryable bool, err error) {
	what := "POST " + r.Endpoint
	if r.MaxBody > 0 && len(r.Body) > r.MaxBody {
		return false, fmt.Errorf("%s: a body of %d bytes is over the endpoint's limit of %d bytes", what, len(r.Body), r.MaxBody)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		// NewRequest errors quote the URL: keep only what went wrong.
		return false, s.redact(fmt.Errorf("%s: build request: %w", what, stripURL(err)))
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

	resp, err := s.client.Do(req)
	if err != nil {
		return true, s.redact(fmt.Errorf("%s: %w", what, stripURL(err)))
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		// Drain a little so that the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxRead))
		return false, nil
	}
	msg := what + ": " + resp.Status
	if snippet := s.snippet(resp.Body); snippet != "" {
		msg += ": " + snippet
	}
	// The message is built from scratch and redacted whole, so nothing
	// below it can hold a secret.
	err = errors.New(s.redactor.Redact(msg))
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		if after, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), s.now()); ok {
			return true, &alerting.RetryAfterError{After: after, Err: err}
		}
		return true, err
	case code >= 500, code == http.StatusRequestTimeout:
		return true, err
	default:
		return false, err
	}
}

// Size limits of what an error quotes of a response.
const (
	// maxSnippet is how much of a response body an error quotes.
	maxSnippet = 200
	// maxRead is how much of a response body is read: the secrets are
	// removed from all of it before it is cut to maxSnippet, so that a cut
	// can never leave the start of a secret behind.
	maxRead = 64 << 10
)

// snippet reads the start of a response body and returns it without the
// receiver's secrets, as one line of valid UTF-8 of at most maxSnippet
// bytes, "…" marking a cut.
func (s *Sender) snippet(body io.Reader) string {
	buf, _ := io.ReadAll(io.LimitReader(body, maxRead))
	text := s.redactor.Redact(strings.ToValidUTF8(string(buf), "\uFFFD"))
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= maxSnippet {
		return text
	}
	cut := maxSnippet
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut-- // do not split a character
	}
	return text[:cut] + "…"
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
