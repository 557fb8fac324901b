package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/pagerduty"
	"github.com/burnwatch/burnwatch/alerting/slack"
	"github.com/burnwatch/burnwatch/internal/secret"
)

// InboxName is the name of the demo's receiver; the demo's config routes
// every notification to it.
const InboxName = "inbox"

// inboxLimit bounds the notifications an inbox keeps.
const inboxLimit = 500

// Placeholder receiver settings: the inbox renders what these receivers
// would post, and posts nothing.
const (
	placeholderSlackURL   = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
	placeholderRoutingKey = "demo0000000000000000000000000000"
)

// Inbox is a receiver that sends nothing: it keeps each notification with
// the Slack message and the PagerDuty event that would have been posted for
// it, and logs one line. It implements alerting.Receiver and is safe for
// concurrent use.
type Inbox struct {
	log       *slog.Logger
	slack     slack.Config
	pagerDuty pagerduty.Config
	now       func() time.Time

	mu      sync.Mutex
	kept    []Delivered // oldest first
	changed chan struct{}
}

// Delivered is one notification as the inbox keeps it.
type Delivered struct {
	Notification alerting.Notification
	// ReceivedAt is when the dispatcher delivered it (wall-clock time).
	ReceivedAt time.Time
	// Slack and PagerDuty are the request bodies the Slack and PagerDuty
	// receivers would have posted, indented.
	Slack, PagerDuty string
}

var _ alerting.Receiver = (*Inbox)(nil)

// NewInbox returns an empty inbox. dashboardURL is the PagerDuty client
// link the events would carry.
func NewInbox(dashboardURL string, logger *slog.Logger) *Inbox {
	if logger == nil {
		logger = slog.Default()
	}
	return &Inbox{
		log:       logger,
		slack:     slack.Config{WebhookURL: secret.Literal(placeholderSlackURL)},
		pagerDuty: pagerduty.Config{RoutingKey: secret.Literal(placeholderRoutingKey), ClientURL: dashboardURL},
		now:       time.Now,
		changed:   make(chan struct{}),
	}
}

// Name returns InboxName.
func (i *Inbox) Name() string { return InboxName }

// Notify keeps n with its Slack and PagerDuty renderings. A notification
// that cannot be rendered is an error that retrying does not fix.
func (i *Inbox) Notify(_ context.Context, n *alerting.Notification) (retryable bool, err error) {
	sl, err := slack.Body(i.slack, n)
	if err != nil {
		return false, fmt.Errorf("inbox: %w", err)
	}
	d := Delivered{Notification: *n, ReceivedAt: i.now(), Slack: indent(sl)}
	if n.Kind != alerting.KindReport {
		// A report is for a chat channel, never a pager.
		pd, err := pagerduty.Body(i.pagerDuty, n)
		if err != nil {
			return false, fmt.Errorf("inbox: %w", err)
		}
		d.PagerDuty = indent(pd)
	}
	var trace string
	if len(n.Traces) > 0 {
		trace = n.Traces[0].URL
	}
	i.log.Info("notification", "receiver", InboxName, "status", n.Status, "severity", n.Severity,
		"slo", n.SLO.ID, "summary", n.Summary, "trace", trace)

	i.mu.Lock()
	defer i.mu.Unlock()
	i.kept = append(i.kept, d)
	if len(i.kept) > inboxLimit {
		i.kept = slices.Delete(i.kept, 0, len(i.kept)-inboxLimit)
	}
	close(i.changed)
	i.changed = make(chan struct{})
	return false, nil
}

// Notifications returns the kept notifications, newest first.
func (i *Inbox) Notifications() []Delivered {
	i.mu.Lock()
	defer i.mu.Unlock()
	out := slices.Clone(i.kept)
	slices.Reverse(out)
	return out
}

// Wait blocks until a kept notification satisfies match, and returns the
// oldest such one; it fails when ctx ends first.
func (i *Inbox) Wait(ctx context.Context, match func(*alerting.Notification) bool) (Delivered, error) {
	for {
		i.mu.Lock()
		changed := i.changed
		for _, d := range i.kept {
			if match(&d.Notification) {
				i.mu.Unlock()
				return d, nil
			}
		}
		i.mu.Unlock()
		select {
		case <-ctx.Done():
			return Delivered{}, fmt.Errorf("wait for a notification: %w", ctx.Err())
		case <-changed:
		}
	}
}

func indent(body []byte) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, body, "", "  "); err != nil {
		return string(body)
	}
	return buf.String()
}
