package alertmanager

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/prometheus/common/model"

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

// Config configures an Alertmanager receiver: the receiver's section of
// burnwatch.yaml.
type Config struct {
	// URLs are the base URLs of the Alertmanager peers of one cluster
	// ("http://alertmanager-0:9093"); each gets every alert at
	// /api/v2/alerts under its path.
	URLs []string `yaml:"urls"`
	// BasicAuth authenticates with a user name and password.
	BasicAuth *BasicAuth `yaml:"basic_auth,omitempty"`
	// BearerToken authenticates with "Authorization: Bearer". It is a
	// secret, {file: path} or {env: NAME}. At most one of BasicAuth and
	// BearerToken may be set.
	BearerToken secret.Secret `yaml:"bearer_token,omitempty"`
	// ResendInterval is how often the daemon re-sends a firing alert so
	// that Alertmanager keeps it active, a Prometheus duration ("1m");
	// zero means DefaultResendInterval. A firing alert expires after four
	// of them.
	ResendInterval model.Duration `yaml:"resend_interval,omitempty"`
	// AlertName is the alertname of burn alerts; empty means
	// DefaultAlertName. A notification label "alertname" (the spec's
	// alert name) wins over it.
	AlertName string `yaml:"alert_name,omitempty"`
}

// BasicAuth is HTTP basic authentication.
type BasicAuth struct {
	Username string `yaml:"username"`
	// Password is a secret, {file: path} or {env: NAME}.
	Password secret.Secret `yaml:"password"`
}

// Resolve reads the config's secrets; relative files are relative to
// dir. Errors name the field.
func (c *Config) Resolve(dir string) error {
	fields := []secret.Field{{Name: "bearer_token", Secret: &c.BearerToken}}
	if c.BasicAuth != nil {
		fields = append(fields, secret.Field{Name: "basic_auth.password", Secret: &c.BasicAuth.Password, Required: true})
	}
	return secret.ResolveAll(dir, fields...)
}

// Validate reports every problem of a resolved config, each naming its
// field. Errors never quote a secret.
func (c Config) Validate() error {
	var errs []error
	if len(c.URLs) == 0 {
		errs = append(errs, errors.New("urls: at least one Alertmanager URL is required"))
	}
	for i, raw := range c.URLs {
		field := fmt.Sprintf("urls[%d]", i)
		if err := transport.CheckURL(field, raw); err != nil {
			errs = append(errs, err)
			continue
		}
		u, _ := url.Parse(raw) // CheckURL parsed it
		switch {
		case u.User != nil:
			errs = append(errs, fmt.Errorf("%s has credentials in it: use basic_auth", field))
		case u.RawQuery != "" || u.Fragment != "":
			errs = append(errs, fmt.Errorf("%s has a query or fragment: give the base URL", field))
		case slices.Contains(c.URLs[:i], raw):
			errs = append(errs, fmt.Errorf("%s repeats an earlier URL", field))
		}
	}
	if c.BasicAuth != nil {
		if c.BasicAuth.Username == "" {
			errs = append(errs, errors.New("basic_auth.username is required"))
		}
		if c.BearerToken.Value() != "" {
			errs = append(errs, errors.New("set basic_auth or bearer_token, not both"))
		}
	}
	if every := time.Duration(c.ResendInterval); every != 0 && every < time.Second {
		errs = append(errs, fmt.Errorf("resend_interval %s is shorter than a second", c.ResendInterval))
	}
	return errors.Join(errs...)
}

// withDefaults returns c with its empty settings filled in.
func (c Config) withDefaults() Config {
	if c.ResendInterval == 0 {
		c.ResendInterval = model.Duration(DefaultResendInterval)
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
		password := c.BasicAuth.Password.Value()
		return []string{password, secret.BasicAuth(c.BasicAuth.Username, password)}
	case c.BearerToken.Value() != "":
		return []string{c.BearerToken.Value()}
	}
	return nil
}
