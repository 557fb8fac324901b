package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/webhook"
)

// DefaultTimeout bounds one delivery when Options.Client is nil.
const DefaultTimeout = 10 * time.Second

// Options are a receiver's collaborators; the zero value is ready to use.
type Options struct {
	// Client sends the requests; nil means a client with DefaultTimeout.
	Client *http.Client
	// Now is the clock for Retry-After dates; nil means time.Now.
	Now func() time.Time
}

// Receiver posts notifications to a Slack incoming webhook. It implements
// alerting.Receiver and is safe for concurrent use.
type Receiver struct {
	name   string
	cfg    Config
	client *http.Client
	now    func() time.Time
}

var _ alerting.Receiver = (*Receiver)(nil)

// New returns a Slack receiver called name, or an error when cfg is not
// valid.
func New(name string, cfg Config, opts Options) (*Receiver, error) {
	if name == "" {
		return nil, errors.New("slack receiver: name is required")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("slack receiver %q: %w", name, err)
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

// Notify posts n as a Block Kit message. Slack answers 200 "ok"; any 2xx
// counts as success.
func (r *Receiver) Notify(ctx context.Context, n *alerting.Notification) (retryable bool, err error) {
	body, err := Body(r.cfg, n)
	if err != nil {
		return false, fmt.Errorf("slack receiver %q: %w", r.name, err)
	}
	retryable, err = webhook.Post(ctx, r.client, webhook.Request{
		URL:      r.cfg.WebhookURL,
		Endpoint: "webhook",
		Body:     body,
		Now:      r.now,
	})
	if err != nil {
		return retryable, fmt.Errorf("slack receiver %q: %w", r.name, err)
	}
	return false, nil
}

// Body returns the JSON message Notify sends for n.
func Body(cfg Config, n *alerting.Notification) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(render(cfg, n)); err != nil {
		return nil, fmt.Errorf("encode slack message for notification %s: %w", n.ID, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
