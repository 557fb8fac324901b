package daemon

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/alertmanager"
	"github.com/burnwatch/burnwatch/alerting/pagerduty"
	"github.com/burnwatch/burnwatch/alerting/slack"
	"github.com/burnwatch/burnwatch/alerting/transport"
	"github.com/burnwatch/burnwatch/alerting/webhook"
)

// ReceiverConfig is one receiver: a name and exactly one kind, whose
// section is that receiver package's own Config.
type ReceiverConfig struct {
	Name         string               `yaml:"name"`
	Slack        *slack.Config        `yaml:"slack"`
	PagerDuty    *pagerduty.Config    `yaml:"pagerduty"`
	Webhook      *webhook.Config      `yaml:"webhook"`
	Alertmanager *alertmanager.Config `yaml:"alertmanager"`
}

// receiverSection is what every receiver package's Config offers.
type receiverSection interface {
	Resolve(dir string) error
	Validate() error
}

// sections returns the kinds the receiver sets, by YAML key.
func (r *ReceiverConfig) sections() map[string]receiverSection {
	out := map[string]receiverSection{}
	if r.Slack != nil {
		out["slack"] = r.Slack
	}
	if r.PagerDuty != nil {
		out["pagerduty"] = r.PagerDuty
	}
	if r.Webhook != nil {
		out["webhook"] = signedWebhook{r.Webhook}
	}
	if r.Alertmanager != nil {
		out["alertmanager"] = r.Alertmanager
	}
	return out
}

// resolve checks that one kind is set, reads its secrets and validates
// it. Every problem is reported, each with its field's YAML path under
// path ("receivers[2].pagerduty.routing_key: …").
func (r *ReceiverConfig) resolve(dir, path string) error {
	var errs []error
	if r.Name == "" {
		errs = append(errs, fmt.Errorf("%s.name: is required", path))
	}
	sections := r.sections()
	if len(sections) != 1 {
		errs = append(errs, fmt.Errorf("%s: set exactly one of slack, pagerduty, webhook and alertmanager (got %d)", path, len(sections)))
	}
	for _, kind := range slices.Sorted(maps.Keys(sections)) {
		s := sections[kind]
		err := s.Resolve(dir)
		if err == nil {
			err = s.Validate()
		}
		errs = append(errs, under(path+"."+kind, err)...)
	}
	return errors.Join(errs...)
}

// under prefixes every error joined in err with path: "path.field: …".
func under(path string, err error) []error {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range joined.Unwrap() {
			out = append(out, under(path, e)...)
		}
		return out
	}
	return []error{fmt.Errorf("%s.%w", path, err)}
}

// build constructs the receiver, and its resend interval when it wants
// firing alerts re-sent.
func (r *ReceiverConfig) build(logger *slog.Logger) (alerting.Receiver, time.Duration, error) {
	opts := transport.Options{Logger: logger}
	switch {
	case r.Slack != nil:
		recv, err := slack.New(r.Name, *r.Slack, opts)
		return recv, 0, err
	case r.PagerDuty != nil:
		recv, err := pagerduty.New(r.Name, *r.PagerDuty, opts)
		return recv, 0, err
	case r.Webhook != nil:
		recv, err := webhook.New(r.Name, *r.Webhook, opts)
		return recv, 0, err
	case r.Alertmanager != nil:
		recv, err := alertmanager.New(r.Name, *r.Alertmanager, opts)
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
