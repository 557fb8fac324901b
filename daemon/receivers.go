package daemon

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/alertmanager"
	"github.com/burnwatch/burnwatch/alerting/pagerduty"
	"github.com/burnwatch/burnwatch/alerting/slack"
	"github.com/burnwatch/burnwatch/alerting/transport"
	"github.com/burnwatch/burnwatch/alerting/webhook"
	"github.com/burnwatch/burnwatch/internal/secret"
)

// ReceiverConfig is one receiver: a name and exactly one kind. Secret fields
// are {file: …} or {env: …}.
type ReceiverConfig struct {
	Name  string `yaml:"name"`
	Slack *struct {
		WebhookURL secret.Secret `yaml:"webhook_url"`
		Channel    string        `yaml:"channel"`
		Username   string        `yaml:"username"`
		IconEmoji  string        `yaml:"icon_emoji"`
	} `yaml:"slack"`
	PagerDuty *struct {
		RoutingKey secret.Secret     `yaml:"routing_key"`
		URL        string            `yaml:"url"`
		Severities map[string]string `yaml:"severities"`
		Client     string            `yaml:"client"`
		ClientURL  string            `yaml:"client_url"`
	} `yaml:"pagerduty"`
	Webhook *struct {
		URL     secret.Secret     `yaml:"url"`
		Secret  secret.Secret     `yaml:"secret"`
		Headers map[string]string `yaml:"headers"`
	} `yaml:"webhook"`
	Alertmanager *struct {
		URLs      []string `yaml:"urls"`
		BasicAuth *struct {
			Username string        `yaml:"username"`
			Password secret.Secret `yaml:"password"`
		} `yaml:"basic_auth"`
		BearerToken    secret.Secret `yaml:"bearer_token"`
		ResendInterval Duration      `yaml:"resend_interval"`
		AlertName      string        `yaml:"alert_name"`
	} `yaml:"alertmanager"`
}

// resolve checks that one kind is set and reads its secrets.
func (r *ReceiverConfig) resolve(dir string) error {
	if r.Name == "" {
		return errors.New("missing name")
	}
	kinds := 0
	var errs []error
	check := func(field string, s *secret.Secret, required bool) {
		if !s.Set() && !required {
			return
		}
		if err := s.Resolve(dir); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", field, err))
		}
	}
	if r.Slack != nil {
		kinds++
		check("slack.webhook_url", &r.Slack.WebhookURL, true)
	}
	if r.PagerDuty != nil {
		kinds++
		check("pagerduty.routing_key", &r.PagerDuty.RoutingKey, true)
	}
	if r.Webhook != nil {
		kinds++
		check("webhook.url", &r.Webhook.URL, true)
		check("webhook.secret", &r.Webhook.Secret, false)
	}
	if r.Alertmanager != nil {
		kinds++
		check("alertmanager.bearer_token", &r.Alertmanager.BearerToken, false)
		if ba := r.Alertmanager.BasicAuth; ba != nil {
			check("alertmanager.basic_auth.password", &ba.Password, true)
		}
	}
	if kinds != 1 {
		errs = append(errs, fmt.Errorf("set exactly one of slack, pagerduty, webhook and alertmanager (got %d)", kinds))
	}
	if len(errs) == 0 {
		_, _, err := r.build(nil)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// build constructs the receiver, and its resend interval when it wants
// firing alerts re-sent.
func (r *ReceiverConfig) build(logger *slog.Logger) (alerting.Receiver, time.Duration, error) {
	switch {
	case r.Slack != nil:
		c := r.Slack
		recv, err := slack.New(r.Name, slack.Config{WebhookURL: c.WebhookURL.Value(), Channel: c.Channel, Username: c.Username, IconEmoji: c.IconEmoji}, transport.Options{})
		return recv, 0, err
	case r.PagerDuty != nil:
		c := r.PagerDuty
		recv, err := pagerduty.New(r.Name, pagerduty.Config{RoutingKey: c.RoutingKey.Value(), URL: c.URL, Severities: c.Severities, Client: c.Client, ClientURL: c.ClientURL}, transport.Options{})
		return recv, 0, err
	case r.Webhook != nil:
		c := r.Webhook
		recv, err := webhook.New(r.Name, webhook.Config{URL: c.URL.Value(), Secret: c.Secret.Value(), Headers: c.Headers}, transport.Options{})
		return recv, 0, err
	case r.Alertmanager != nil:
		c := r.Alertmanager
		cfg := alertmanager.Config{URLs: c.URLs, BearerToken: c.BearerToken.Value(), ResendInterval: time.Duration(c.ResendInterval), AlertName: c.AlertName}
		if c.BasicAuth != nil {
			cfg.BasicAuth = &alertmanager.BasicAuth{Username: c.BasicAuth.Username, Password: c.BasicAuth.Password.Value()}
		}
		recv, err := alertmanager.New(r.Name, cfg, transport.Options{Logger: logger})
		if err != nil {
			return nil, 0, err
		}
		return recv, recv.ResendInterval(), nil
	}
	return nil, 0, errors.New("no receiver kind")
}

// buildReceivers constructs every receiver of a config.
func buildReceivers(cfg *Config, logger *slog.Logger) (map[string]alerting.Receiver, map[string]time.Duration, error) {
	out := map[string]alerting.Receiver{}
	resend := map[string]time.Duration{}
	for i := range cfg.Receivers {
		rc := &cfg.Receivers[i]
		recv, every, err := rc.build(logger)
		if err != nil {
			return nil, nil, fmt.Errorf("receiver %q: %w", rc.Name, err)
		}
		out[rc.Name] = recv
		if every > 0 {
			resend[rc.Name] = every
		}
	}
	return out, resend, nil
}
