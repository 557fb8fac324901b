package slack

import (
	"errors"
	"fmt"
	"strings"

	"github.com/burnwatch/burnwatch/alerting/transport"
	"github.com/burnwatch/burnwatch/internal/secret"
)

// Config configures a Slack receiver: the receiver's section of
// burnwatch.yaml.
type Config struct {
	// WebhookURL is the incoming webhook's URL. It is a secret, {file:
	// path} or {env: NAME}: its path is the token.
	WebhookURL secret.Secret `yaml:"webhook_url"`
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

// Resolve reads the config's secrets; relative files are relative to
// dir. Errors name the field.
func (c *Config) Resolve(dir string) error {
	return secret.ResolveAll(dir, secret.Field{Name: "webhook_url", Secret: &c.WebhookURL, Required: true})
}

// Validate reports every problem of a resolved config, each naming its
// field. Errors never quote the webhook URL.
func (c Config) Validate() error {
	var errs []error
	if err := transport.CheckURL("webhook_url", c.WebhookURL.Value()); err != nil {
		errs = append(errs, err)
	}
	if strings.ContainsAny(c.Channel, " \t\r\n") {
		errs = append(errs, fmt.Errorf("channel %q contains white space", c.Channel))
	} else if c.Channel != "" && len(c.Channel) < 2 {
		errs = append(errs, fmt.Errorf("channel %q is too short", c.Channel))
	}
	if len(c.Username) > 80 || strings.ContainsAny(c.Username, "\r\n") {
		errs = append(errs, fmt.Errorf("username %q must be one line of at most 80 characters", c.Username))
	}
	if c.IconEmoji != "" && (len(c.IconEmoji) < 3 || !strings.HasPrefix(c.IconEmoji, ":") ||
		!strings.HasSuffix(c.IconEmoji, ":") || strings.ContainsAny(c.IconEmoji, " \t\r\n")) {
		errs = append(errs, fmt.Errorf("icon_emoji %q is not an emoji name such as \":fire:\"", c.IconEmoji))
	}
	return errors.Join(errs...)
}
