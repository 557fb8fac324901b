package webhook

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/transport"
)

// Receiver posts notifications to a generic webhook. It implements
// alerting.Receiver and is safe for concurrent use.
type Receiver struct {
	*transport.Sender
	cfg Config
}

var _ alerting.Receiver = (*Receiver)(nil)

// New returns a webhook receiver called name, or an error when cfg is not
// valid.
func New(name string, cfg Config, opts transport.Options) (*Receiver, error) {
	sender, err := transport.NewSender("webhook", name, opts, cfg.secrets()...)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, sender.Wrap(err)
	}
	return &Receiver{Sender: sender, cfg: cfg}, nil
}

// Notify posts n as a schema version 1 body (SCHEMA.md), signed when the
// receiver has a secret. Any 2xx status is success.
func (r *Receiver) Notify(ctx context.Context, n *alerting.Notification) (retryable bool, err error) {
	body, err := Body(r.Name(), n)
	if err != nil {
		return false, r.Wrap(err)
	}
	header := make(http.Header, len(r.cfg.Headers)+2)
	for k, v := range r.cfg.Headers {
		header.Set(k, v)
	}
	if key := r.cfg.Secret.Value(); key != "" {
		ts := strconv.FormatInt(r.Now().Unix(), 10)
		header.Set(TimestampHeader, ts)
		header.Set(SignatureHeader, Sign(key, ts, body))
	}
	retryable, err = r.Post(ctx, transport.Request{
		URL:      r.cfg.URL.Value(),
		Endpoint: "webhook",
		Header:   header,
		Body:     body,
	})
	return retryable, r.Wrap(err)
}

// Body returns the request body Notify sends for n on behalf of the
// receiver called receiver: schema version 1, described in SCHEMA.md.
func Body(receiver string, n *alerting.Notification) ([]byte, error) {
	body, err := transport.JSON(newPayload(receiver, n))
	if err != nil {
		return nil, fmt.Errorf("encode notification %s: %w", n.ID, err)
	}
	return body, nil
}
