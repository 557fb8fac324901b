package slack

import (
	"context"
	"fmt"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/transport"
)

// Receiver posts notifications to a Slack incoming webhook. It implements
// alerting.Receiver and is safe for concurrent use.
type Receiver struct {
	*transport.Sender
	cfg Config
}

var _ alerting.Receiver = (*Receiver)(nil)

// New returns a Slack receiver called name, or an error when cfg is not
// valid.
func New(name string, cfg Config, opts transport.Options) (*Receiver, error) {
	sender, err := transport.NewSender("slack", name, opts, transport.URLSecrets(cfg.WebhookURL.Value())...)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, sender.Wrap(err)
	}
	return &Receiver{Sender: sender, cfg: cfg}, nil
}

// Notify posts n as a Block Kit message. Slack answers 200 "ok"; any 2xx
// counts as success.
func (r *Receiver) Notify(ctx context.Context, n *alerting.Notification) (retryable bool, err error) {
	body, err := Body(r.cfg, n)
	if err != nil {
		return false, r.Wrap(err)
	}
	retryable, err = r.Post(ctx, transport.Request{URL: r.cfg.WebhookURL.Value(), Endpoint: "webhook", Body: body})
	return retryable, r.Wrap(err)
}

// Body returns the JSON message Notify sends for n.
func Body(cfg Config, n *alerting.Notification) ([]byte, error) {
	body, err := transport.JSON(render(cfg, n))
	if err != nil {
		return nil, fmt.Errorf("encode slack message for notification %s: %w", n.ID, err)
	}
	return body, nil
}
