package pagerduty

import (
	"context"
	"fmt"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/transport"
)

// Receiver sends notifications to PagerDuty's Events API v2. It
// implements alerting.Receiver and is safe for concurrent use.
type Receiver struct {
	*transport.Sender
	cfg Config
}

var _ alerting.Receiver = (*Receiver)(nil)

// New returns a PagerDuty receiver called name, or an error when cfg is
// not valid.
func New(name string, cfg Config, opts transport.Options) (*Receiver, error) {
	sender, err := transport.NewSender("pagerduty", name, opts, cfg.RoutingKey.Value())
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, sender.Wrap(err)
	}
	return &Receiver{Sender: sender, cfg: cfg.withDefaults()}, nil
}

// Notify sends a trigger event for a firing notification (first or
// repeat) and a resolve event for a resolved one. PagerDuty answers 202;
// any 2xx counts as success, a 400 is final, a 429 or 5xx retryable.
func (r *Receiver) Notify(ctx context.Context, n *alerting.Notification) (retryable bool, err error) {
	if n.IncidentKey == "" {
		return false, r.Errorf("notification %s has no incident key to deduplicate on", n.ID)
	}
	body, err := Body(r.cfg, n)
	if err != nil {
		return false, r.Wrap(err)
	}
	retryable, err = r.Post(ctx, transport.Request{URL: r.cfg.URL, Endpoint: "events API", Body: body, MaxBody: MaxEvent})
	return retryable, r.Wrap(err)
}

// Body returns the Events API v2 request body Notify sends for n, with
// cfg's defaults applied. A trigger that would not fit in PagerDuty's
// limit has its custom details and links shortened until it does, and
// lists what was cut in custom_details.truncated.
func Body(cfg Config, n *alerting.Notification) ([]byte, error) {
	cfg = cfg.withDefaults()
	var body []byte
	for _, lim := range append([]limits{unlimited}, cuts...) {
		var err error
		body, err = transport.JSON(newEvent(cfg, n, lim))
		if err != nil {
			return nil, fmt.Errorf("encode pagerduty event for notification %s: %w", n.ID, err)
		}
		if len(body) <= maxBody {
			break
		}
	}
	return body, nil
}
