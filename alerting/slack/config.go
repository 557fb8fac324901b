package slack

import (
	"fmt"
	"strings"

	"github.com/burnwatch/burnwatch/alerting/transport"
)

// Config configures a Slack receiver. Secrets arrive resolved: the daemon
// reads them from files or the environment.
type Config struct {
	// WebhookURL is the incoming webhook's URL. It is a secret: its path
	// is the token.
	WebhookURL string `yaml:"webhook_url"`
	// Channel overrides the webhook's channel ("#checkout-oncall"). Only
	// legacy webhooks honour it.
	Channel string `yaml:"channel,omitempty"`
	// Username overrides the name the message is posted as. Only legacy
	// webhooks honour it.
	Username string `yaml:"username,omitempty"`
	// IconEmoji overrides the poster's icon (":fire:"). Only legacy
	// webhooks honour it.
	IconEmoji string `yaml:"icon_emoji,omitempty"`
}

// Validate reports the first problem with c. Errors never quote the
// webhook URL.
func (c Config) Validate() error {
	if err := transport.CheckURL("webhook_url", c.WebhookURL); err != nil {
		return err
	}
	if strings.ContainsAny(c.Channel, " \t\r\n") {
		return fmt.Errorf("channel %q contains white space", c.Channel)
	}
	if c.Channel != "" && len(c.Channel) < 2 {
		return fmt.Errorf("channel %q is too short", c.Channel)
	}
	if len(c.Username) > 80 || strings.ContainsAny(c.Username, "\r\n") {
		return fmt.Errorf("username %q must be one line of at most 80 characters", c.Username)
	}
	if c.IconEmoji != "" && (len(c.IconEmoji) < 3 || !strings.HasPrefix(c.IconEmoji, ":") ||
		!strings.HasSuffix(c.IconEmoji, ":") || strings.ContainsAny(c.IconEmoji, " \t\r\n")) {
		return fmt.Errorf("icon_emoji %q is not an emoji name such as \":fire:\"", c.IconEmoji)
	}
	return nil
}
