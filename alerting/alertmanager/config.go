package alertmanager

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/burnwatch/burnwatch/alerting/transport"
	"github.com/burnwatch/burnwatch/internal/secret"
)

// Defaults.
const (
	// DefaultResendInterval is how often the daemon re-sends a firing
	// alert when Config.ResendInterval is zero.
	DefaultResendInterval = time.Minute
	// DefaultAlertName is the alertname of burn alerts when neither the
	// notification's labels nor Config.AlertName name one.
	DefaultAlertName = "SLOBurnRate"
)

// Config configures an Alertmanager receiver. Secrets arrive resolved:
// the daemon reads them from files or the environment.
type Config struct {
	// URLs are the base URLs of the Alertmanager peers of one cluster
	// ("http://alertmanager-0:9093"); each gets every alert at
	// /api/v2/alerts under its path.
	URLs []string `yaml:"urls"`
	// BasicAuth authenticates with a user name and password.
	BasicAuth *BasicAuth `yaml:"basic_auth,omitempty"`
	// BearerToken authenticates with "Authorization: Bearer". It is a
	// secret. At most one of BasicAuth and BearerToken may be set.
	BearerToken string `yaml:"bearer_token,omitempty"`
	// ResendInterval is how often the daemon re-sends a firing alert so
	// that Alertmanager keeps it active; zero means
	// DefaultResendInterval. A firing alert expires after four of them.
	ResendInterval time.Duration `yaml:"resend_interval,omitempty"`
	// AlertName is the alertname of burn alerts; empty means
	// DefaultAlertName. A notification label "alertname" (the spec's
	// alert name) wins over it.
	AlertName string `yaml:"alert_name,omitempty"`
}

// BasicAuth is HTTP basic authentication.
type BasicAuth struct {
	Username string `yaml:"username"`
	// Password is a secret.
	Password string `yaml:"password"`
}

// Validate reports the first problem with c. Errors never quote a secret.
func (c Config) Validate() error {
	if len(c.URLs) == 0 {
		return errors.New("urls: at least one Alertmanager URL is required")
	}
	for i, raw := range c.URLs {
		field := fmt.Sprintf("urls[%d]", i)
		if err := transport.CheckURL(field, raw); err != nil {
			return err
		}
		u, _ := url.Parse(raw) // CheckURL parsed it
		switch {
		case u.User != nil:
			return fmt.Errorf("%s has credentials in it: use basic_auth", field)
		case u.RawQuery != "" || u.Fragment != "":
			return fmt.Errorf("%s has a query or fragment: give the base URL", field)
		case slices.Contains(c.URLs[:i], raw):
			return fmt.Errorf("%s repeats an earlier URL", field)
		}
	}
	if c.BasicAuth != nil {
		if c.BasicAuth.Username == "" {
			return errors.New("basic_auth: username is required")
		}
		if c.BearerToken != "" {
			return errors.New("set basic_auth or bearer_token, not both")
		}
	}
	if c.ResendInterval < 0 {
		return fmt.Errorf("resend_interval %s is negative", c.ResendInterval)
	}
	if c.ResendInterval > 0 && c.ResendInterval < time.Second {
		return fmt.Errorf("resend_interval %s is shorter than a second", c.ResendInterval)
	}
	return nil
}

// withDefaults returns c with its empty settings filled in.
func (c Config) withDefaults() Config {
	if c.ResendInterval == 0 {
		c.ResendInterval = DefaultResendInterval
	}
	if c.AlertName == "" {
		c.AlertName = DefaultAlertName
	}
	return c
}

// secrets are the values the receiver's errors must never show: the
// password and its basic-auth form, or the bearer token.
func (c Config) secrets() []string {
	switch {
	case c.BasicAuth != nil:
		return []string{c.BasicAuth.Password, secret.BasicAuth(c.BasicAuth.Username, c.BasicAuth.Password)}
	case c.BearerToken != "":
		return []string{c.BearerToken}
	}
	return nil
}
