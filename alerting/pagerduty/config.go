package pagerduty

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/burnwatch/burnwatch/alerting/transport"
	"github.com/burnwatch/burnwatch/internal/secret"
)

// DefaultURL is the Events API v2 endpoint.
const DefaultURL = "https://events.pagerduty.com/v2/enqueue"

// DefaultSeverities maps burnwatch tiers to PagerDuty severities; Config
// entries override them.
var DefaultSeverities = map[string]string{"page": "critical", "ticket": "warning"}

// FallbackSeverity is the PagerDuty severity of a tier that no mapping
// names.
const FallbackSeverity = "warning"

// severities are the values PagerDuty accepts.
var severities = []string{"critical", "error", "warning", "info"}

// Config configures a PagerDuty receiver: the receiver's section of
// burnwatch.yaml.
type Config struct {
	// RoutingKey is the integration key of a PagerDuty service or ruleset.
	// It is a secret, {file: path} or {env: NAME}.
	RoutingKey secret.Secret `yaml:"routing_key"`
	// URL is the Events API endpoint; empty means DefaultURL.
	URL string `yaml:"url,omitempty"`
	// Severities maps a burnwatch tier ("page", "ticket") to a PagerDuty
	// severity (critical, error, warning or info), over
	// DefaultSeverities.
	Severities map[string]string `yaml:"severities,omitempty"`
	// Client names the sender in PagerDuty's UI; empty means "burnwatch".
	Client string `yaml:"client,omitempty"`
	// ClientURL links the sender in PagerDuty's UI, for example to the
	// burnwatch dashboard.
	ClientURL string `yaml:"client_url,omitempty"`
}

// Resolve reads the config's secrets; relative files are relative to
// dir. Errors name the field.
func (c *Config) Resolve(dir string) error {
	return secret.ResolveAll(dir, secret.Field{Name: "routing_key", Secret: &c.RoutingKey, Required: true})
}

// Validate reports every problem of a resolved config, each naming its
// field. Errors never quote the routing key.
func (c Config) Validate() error {
	var errs []error
	switch key := c.RoutingKey.Value(); {
	case key == "":
		errs = append(errs, errors.New("routing_key is required"))
	case strings.ContainsAny(key, " \t\r\n"):
		errs = append(errs, errors.New("routing_key contains white space"))
	}
	if c.URL != "" {
		if err := transport.CheckURL("url", c.URL); err != nil {
			errs = append(errs, err)
		}
	}
	for _, tier := range slices.Sorted(maps.Keys(c.Severities)) {
		if s := c.Severities[tier]; !slices.Contains(severities, s) {
			errs = append(errs, fmt.Errorf("severities: %s maps to %q, want one of %s", tier, s, strings.Join(severities, ", ")))
		}
	}
	if c.ClientURL != "" {
		if err := transport.CheckURL("client_url", c.ClientURL); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// withDefaults returns c with its empty settings filled in.
func (c Config) withDefaults() Config {
	if c.URL == "" {
		c.URL = DefaultURL
	}
	if c.Client == "" {
		c.Client = "burnwatch"
	}
	merged := maps.Clone(DefaultSeverities)
	maps.Copy(merged, c.Severities)
	c.Severities = merged
	return c
}
