package daemon

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/internal/secret"
)

// Config is burnwatch.yaml. Relative paths in it are relative to the file.
type Config struct {
	Prometheus         PrometheusConfig `yaml:"prometheus"`
	Specs              []string         `yaml:"specs"`
	EvaluationInterval Duration         `yaml:"evaluation_interval"`
	DataDir            string           `yaml:"data_dir"`
	ListenAddress      string           `yaml:"listen_address"`
	ExternalURL        string           `yaml:"external_url"`
	Alerting           AlertingConfig   `yaml:"alerting"`
	Receivers          []ReceiverConfig `yaml:"receivers"`
	Routes             []RouteConfig    `yaml:"routes"`
	DefaultReceivers   []string         `yaml:"default_receivers"`
	Web                WebConfig        `yaml:"web"`

	// path is the file the config was read from.
	path string
}

// PrometheusConfig is where the span metrics are queried: Prometheus or any
// engine with its HTTP API (Thanos, Mimir, VictoriaMetrics).
type PrometheusConfig struct {
	URL         string            `yaml:"url"`
	Timeout     Duration          `yaml:"timeout"`
	Retries     *int              `yaml:"retries"`
	Headers     map[string]string `yaml:"headers"`
	BearerToken secret.Secret     `yaml:"bearer_token"`
	BasicAuth   *struct {
		Username string        `yaml:"username"`
		Password secret.Secret `yaml:"password"`
	} `yaml:"basic_auth"`
	TLS struct {
		CAFile             string `yaml:"ca_file"`
		CertFile           string `yaml:"cert_file"`
		KeyFile            string `yaml:"key_file"`
		ServerName         string `yaml:"server_name"`
		InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
	} `yaml:"tls"`
}

// AlertingConfig tunes the alert lifecycle.
type AlertingConfig struct {
	RepeatInterval  Duration  `yaml:"repeat_interval"`
	FailingCycles   int       `yaml:"failing_cycles"`
	FailingSeverity string    `yaml:"failing_severity"`
	NoDataAfter     *Duration `yaml:"no_data_after"`
	Exemplars       *bool     `yaml:"exemplars"`
	MaxTraces       int       `yaml:"max_traces"`
}

// defaultNoDataAfter is how long an SLO may have no data before a no-data
// incident opens, when alerting.no_data_after is not set.
const defaultNoDataAfter = 10 * time.Minute

// noDataAfter is the alert manager's NoDataAfter: the default when unset,
// and a negative value, which turns no-data incidents off, for 0s.
func (a AlertingConfig) noDataAfter() time.Duration {
	switch {
	case a.NoDataAfter == nil:
		return defaultNoDataAfter
	case *a.NoDataAfter <= 0:
		return -1
	}
	return time.Duration(*a.NoDataAfter)
}

// RouteConfig is one route: which notifications go to which receivers.
type RouteConfig struct {
	Match struct {
		Teams      []string          `yaml:"teams"`
		Services   []string          `yaml:"services"`
		Severities []string          `yaml:"severities"`
		Kinds      []string          `yaml:"kinds"`
		Labels     map[string]string `yaml:"labels"`
	} `yaml:"match"`
	Receivers []string `yaml:"receivers"`
	Continue  bool     `yaml:"continue"`
}

// WebConfig protects the dashboard, its API and /metrics.
type WebConfig struct {
	BearerToken secret.Secret `yaml:"bearer_token"`
	BasicAuth   *struct {
		Username string        `yaml:"username"`
		Password secret.Secret `yaml:"password"`
	} `yaml:"basic_auth"`
	// MetricsAuth false leaves /metrics open when the rest asks for
	// credentials, for a scraper that has none; default true.
	MetricsAuth *bool `yaml:"metrics_auth"`
}

func (w WebConfig) metricsAuth() bool { return w.MetricsAuth == nil || *w.MetricsAuth }

// Duration is a Prometheus duration in YAML: 30s, 5m, 4h, 1d.
type Duration time.Duration

// UnmarshalYAML parses a Prometheus duration.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := model.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 30s, 5m or 1d", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// LoadConfig reads, defaults and validates a config file, and resolves its
// secrets. Errors name the file. Routes may name the extra receivers as well
// as the config's own (the demo's built-in inbox).
func LoadConfig(path string, extraReceivers ...string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return ParseConfig(path, data, extraReceivers...)
}

// ParseConfig parses config text read from path.
func ParseConfig(path string, data []byte, extraReceivers ...string) (*Config, error) {
	cfg := &Config{path: path}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg.defaults()
	if err := cfg.validate(extraReceivers); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

func (c *Config) defaults() {
	dir := filepath.Dir(c.path)
	if c.EvaluationInterval == 0 {
		c.EvaluationInterval = Duration(30 * time.Second)
	}
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.ListenAddress == "" {
		c.ListenAddress = "127.0.0.1:8080"
	}
	if c.ExternalURL == "" {
		c.ExternalURL = "http://" + c.ListenAddress
	}
	c.DataDir = relTo(dir, c.DataDir)
	for i, s := range c.Specs {
		c.Specs[i] = relTo(dir, s)
	}
}

func relTo(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// validate checks the config and resolves its secrets.
func (c *Config) validate(extraReceivers []string) error {
	dir := filepath.Dir(c.path)
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if u, err := url.Parse(c.Prometheus.URL); c.Prometheus.URL == "" || err != nil || u.Host == "" {
		fail("prometheus.url %q is not an absolute URL", c.Prometheus.URL)
	}
	if c.Prometheus.BearerToken.Set() {
		if err := c.Prometheus.BearerToken.Resolve(dir); err != nil {
			fail("prometheus.bearer_token: %w", err)
		}
	}
	if ba := c.Prometheus.BasicAuth; ba != nil {
		if err := ba.Password.Resolve(dir); err != nil {
			fail("prometheus.basic_auth.password: %w", err)
		}
	}
	if len(c.Specs) == 0 {
		fail("specs: name at least one spec file or directory")
	}
	if time.Duration(c.EvaluationInterval) < time.Second {
		fail("evaluation_interval %s is shorter than 1s", time.Duration(c.EvaluationInterval))
	}
	if u, err := url.Parse(c.ExternalURL); err != nil || u.Scheme == "" || u.Host == "" {
		fail("external_url %q is not an absolute URL", c.ExternalURL)
	}
	if s := c.Alerting.FailingSeverity; s != "" && s != "page" && s != "ticket" {
		fail("alerting.failing_severity %q is neither page nor ticket", s)
	}
	names := map[string]bool{}
	for _, n := range extraReceivers {
		names[n] = true
	}
	for i := range c.Receivers {
		r := &c.Receivers[i]
		if err := r.resolve(dir); err != nil {
			fail("receivers[%d] %q: %w", i, r.Name, err)
		}
		if names[r.Name] {
			fail("receivers[%d]: the name %q is used twice (or by a built-in receiver)", i, r.Name)
		}
		names[r.Name] = true
	}
	known := func(where string, list []string) {
		for _, n := range list {
			if !names[n] {
				fail("%s: unknown receiver %q", where, n)
			}
		}
	}
	for i, r := range c.Routes {
		if len(r.Receivers) == 0 {
			fail("routes[%d]: no receivers", i)
		}
		known(fmt.Sprintf("routes[%d]", i), r.Receivers)
		for _, k := range r.Match.Kinds {
			switch alerting.Kind(k) {
			case alerting.KindBurn, alerting.KindNoData, alerting.KindEvaluationFailing:
			default:
				fail("routes[%d]: unknown kind %q (want burn, no_data or evaluation_failing)", i, k)
			}
		}
	}
	known("default_receivers", c.DefaultReceivers)
	if len(names) > 0 && len(c.DefaultReceivers) == 0 && !hasCatchAll(c.Routes) {
		fail("default_receivers: name the receivers of notifications no route matches")
	}
	if c.Web.BearerToken.Set() {
		if err := c.Web.BearerToken.Resolve(dir); err != nil {
			fail("web.bearer_token: %w", err)
		}
	}
	if ba := c.Web.BasicAuth; ba != nil {
		if err := ba.Password.Resolve(dir); err != nil {
			fail("web.basic_auth.password: %w", err)
		}
	}
	return errors.Join(errs...)
}

func hasCatchAll(routes []RouteConfig) bool {
	for _, r := range routes {
		m := r.Match
		if len(m.Teams)+len(m.Services)+len(m.Severities)+len(m.Kinds)+len(m.Labels) == 0 {
			return true
		}
	}
	return false
}

// router builds the alert router.
func (c *Config) router() alerting.Router {
	r := alerting.Router{Default: c.DefaultReceivers}
	for _, rc := range c.Routes {
		m := alerting.Match{Teams: rc.Match.Teams, Services: rc.Match.Services, Severities: rc.Match.Severities, Labels: rc.Match.Labels}
		for _, k := range rc.Match.Kinds {
			m.Kinds = append(m.Kinds, alerting.Kind(k))
		}
		r.Routes = append(r.Routes, alerting.Route{Match: m, Receivers: rc.Receivers, Continue: rc.Continue})
	}
	return r
}
