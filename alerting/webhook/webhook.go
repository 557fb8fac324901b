package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
)

// DefaultTimeout bounds one delivery when Options.Client is nil.
const DefaultTimeout = 10 * time.Second

// Options are a receiver's collaborators; the zero value is ready to use.
type Options struct {
	// Client sends the requests; nil means a client with DefaultTimeout.
	Client *http.Client
	// Now is the clock for signature timestamps and Retry-After dates; nil
	// means time.Now.
	Now func() time.Time
}

// Receiver posts notifications to a generic webhook. It implements
// alerting.Receiver and is safe for concurrent use.
type Receiver struct {
	name   string
	cfg    Config
	client *http.Client
	now    func() time.Time
}

var _ alerting.Receiver = (*Receiver)(nil)

// New returns a webhook receiver called name, or an error when cfg is not
// valid.
func New(name string, cfg Config, opts Options) (*Receiver, error) {
	if name == "" {
		return nil, errors.New("webhook receiver: name is required")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("webhook receiver %q: %w", name, err)
	}
	r := &Receiver{name: name, cfg: cfg, client: opts.Client, now: opts.Now}
	if r.client == nil {
		r.client = &http.Client{Timeout: DefaultTimeout}
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r, nil
}

// Name returns the receiver's name.
func (r *Receiver) Name() string { return r.name }

// Notify posts n as a schema version 1 body (SCHEMA.md), signed when the
// receiver has a secret. Any 2xx status is success.
func (r *Receiver) Notify(ctx context.Context, n *alerting.Notification) (retryable bool, err error) {
	body, err := Body(r.name, n)
	if err != nil {
		return false, fmt.Errorf("webhook receiver %q: %w", r.name, err)
	}
	header := make(http.Header, len(r.cfg.Headers)+2)
	secrets := []string{r.cfg.Secret}
	for k, v := range r.cfg.Headers {
		header.Set(k, v)
		secrets = append(secrets, headerSecrets(v)...)
	}
	if r.cfg.Secret != "" {
		ts := strconv.FormatInt(r.now().Unix(), 10)
		header.Set(TimestampHeader, ts)
		header.Set(SignatureHeader, Sign(r.cfg.Secret, ts, body))
	}
	retryable, err = Post(ctx, r.client, Request{
		URL:      r.cfg.URL,
		Endpoint: "webhook",
		Header:   header,
		Body:     body,
		Secrets:  secrets,
		Now:      r.now,
	})
	if err != nil {
		return retryable, fmt.Errorf("webhook receiver %q: %w", r.name, err)
	}
	return false, nil
}

// Body returns the request body Notify sends for n on behalf of the
// receiver called receiver: schema version 1, described in SCHEMA.md.
func Body(receiver string, n *alerting.Notification) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(newPayload(receiver, n)); err != nil {
		return nil, fmt.Errorf("encode notification %s: %w", n.ID, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// headerSecrets returns what to redact of a configured header value: the
// value and, for "Bearer <token>"-like values, the token. Values shorter
// than 8 bytes are left alone: they cannot hide much, and redacting "1"
// would mangle every error.
func headerSecrets(v string) []string {
	var out []string
	for _, s := range append([]string{v}, strings.Fields(v)...) {
		if len(s) >= 8 {
			out = append(out, s)
		}
	}
	return out
}
