package pagerduty

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

// Receiver sends notifications to PagerDuty's Events API v2. It
// implements alerting.Receiver and is safe for concurrent use.
type Receiver struct {
	name   string
	cfg    Config
	client *http.Client
	now    func() time.Time
}

var _ alerting.Receiver = (*Receiver)(nil)

// New returns a PagerDuty receiver called name, or an error when cfg is
// not valid.
func New(name string, cfg Config, opts Options) (*Receiver, error) {
	if name == "" {
		return nil, errors.New("pagerduty receiver: name is required")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("pagerduty receiver %q: %w", name, err)
	}
	r := &Receiver{name: name, cfg: cfg.withDefaults(), client: opts.Client, now: opts.Now}
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

// Notify sends a trigger event for a firing notification (first or
// repeat) and a resolve event for a resolved one. PagerDuty answers 202;
// any 2xx counts as success, a 400 is final, a 429 or 5xx retryable.
func (r *Receiver) Notify(ctx context.Context, n *alerting.Notification) (retryable bool, err error) {
	if n.IncidentKey == "" {
		return false, fmt.Errorf("pagerduty receiver %q: notification %s has no incident key to deduplicate on", r.name, n.ID)
	}
	body, err := Body(r.cfg, n)
	if err != nil {
		return false, fmt.Errorf("pagerduty receiver %q: %w", r.name, err)
	}
	retryable, err = webhook.Post(ctx, r.client, webhook.Request{
		URL:      r.cfg.URL,
		Endpoint: "events API",
		Body:     body,
		Secrets:  []string{r.cfg.RoutingKey},
		Now:      r.now,
	})
	if err != nil {
		return retryable, fmt.Errorf("pagerduty receiver %q: %w", r.name, err)
	}
	return false, nil
}

// Body returns the Events API v2 request body Notify sends for n, with
// cfg's defaults applied.
func Body(cfg Config, n *alerting.Notification) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(newEvent(cfg.withDefaults(), n)); err != nil {
		return nil, fmt.Errorf("encode pagerduty event for notification %s: %w", n.ID, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
