package daemon

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/internal/secret"
	"github.com/burnwatch/burnwatch/reports"
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
	Heartbeat          HeartbeatConfig  `yaml:"heartbeat"`
	Reports            ReportsConfig    `yaml:"reports"`
	Store              StoreConfig      `yaml:"store"`

	// path is the file the config was read from.
	path string
}

// PrometheusConfig is where the span metrics are queried: Prometheus or any
// engine with its HTTP API (Thanos, Mimir, VictoriaMetrics).
type PrometheusConfig struct {
	URL     string   `yaml:"url"`
	Timeout Duration `yaml:"timeout"`
	// Retries is how many times a failed query is retried: nil (the key
	// absent) means prom's default, 0 or less none.
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
	// Retention is how long resolved incidents are kept before they are
	// pruned (default 720h).
	Retention Duration `yaml:"retention"`
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
	// PrometheusURL is where browsers reach Prometheus' UI, for the links
	// of the dashboard's queries; default prometheus.url.
	PrometheusURL string `yaml:"prometheus_url"`
	// GrafanaURL and GrafanaDatasourceUID add Grafana Explore links.
	GrafanaURL           string `yaml:"grafana_url"`
	GrafanaDatasourceUID string `yaml:"grafana_datasource_uid"`
}

func (w WebConfig) metricsAuth() bool { return w.MetricsAuth == nil || *w.MetricsAuth }

// Duration is a Prometheus duration in YAML: 30s, 5m, 4h, 1d.
type Duration time.Duration

// UnmarshalYAML parses a Prometheus duration.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a duration like 30s, 5m or 1d, not %s", n.Line, describe(n))
	}
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

// ParseConfig parses config text read from path. Its error, if any, is an
// slo.Diagnostics with every problem of the config, one per line as
// path:line:col: message, the form spec problems take.
func ParseConfig(path string, data []byte, extraReceivers ...string) (*Config, error) {
	check := newConfigCheck(path)
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		check.syntaxProblem(err)
		return nil, check.diags
	}
	cfg := &Config{path: path}
	broken := map[string]bool{}
	if len(doc.Content) > 0 {
		root := doc.Content[0]
		check.shape(root, reflect.TypeFor[Config](), "")
		if root.Kind != yaml.MappingNode {
			return nil, check.diags
		}
		// Each top-level setting is decoded on its own, so that one with a
		// problem leaves the others to be validated.
		for i := 0; i+1 < len(root.Content); i += 2 {
			name := root.Content[i].Value
			field := configField(cfg, name)
			if !field.IsValid() {
				continue
			}
			if err := root.Content[i+1].Decode(field.Addr().Interface()); err != nil {
				broken[name] = true
			}
		}
	}
	cfg.defaults()
	cfg.validate(extraReceivers, check, broken)
	if len(check.diags) > 0 {
		check.diags.Sort()
		return nil, check.diags
	}
	return cfg, nil
}

// configField is the field of cfg that the top-level setting name decodes
// into, or the zero Value.
func configField(cfg *Config, name string) reflect.Value {
	v := reflect.ValueOf(cfg).Elem()
	for i := range v.NumField() {
		if tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ","); tag == name && name != "" {
			return v.Field(i)
		}
	}
	return reflect.Value{}
}

func (c *Config) defaults() {
	dir := filepath.Dir(c.path)
	if c.EvaluationInterval == 0 {
		c.EvaluationInterval = Duration(30 * time.Second)
	}
	if c.DataDir == "" {
		c.DataDir = envDefault(envDataDir, "data")
	}
	if c.ListenAddress == "" {
		c.ListenAddress = envDefault(envListenAddress, "127.0.0.1:8080")
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

// validate checks the config's values and resolves its secrets. It skips
// the checks that would only repeat a problem of a broken top-level setting
// (one that did not decode).
func (c *Config) validate(extraReceivers []string, check *configCheck, broken map[string]bool) {
	dir := filepath.Dir(c.path)
	fail := func(path, format string, args ...any) { check.at(path, fmt.Sprintf(format, args...)) }
	resolve := func(path string, s *secret.Secret) {
		if err := s.Resolve(dir); err != nil {
			fail(path, "%v", err)
		}
	}
	if !broken["prometheus"] {
		if u, err := url.Parse(c.Prometheus.URL); c.Prometheus.URL == "" || err != nil || u.Host == "" {
			fail("prometheus.url", "%q is not an absolute URL", c.Prometheus.URL)
		}
		if c.Prometheus.BearerToken.Set() {
			resolve("prometheus.bearer_token", &c.Prometheus.BearerToken)
		}
		if ba := c.Prometheus.BasicAuth; ba != nil {
			resolve("prometheus.basic_auth.password", &ba.Password)
		}
	}
	for i, p := range c.Reports.Periods {
		if p != reports.Week && p != reports.Month {
			fail(fmt.Sprintf("reports.periods[%d]", i), "%q is neither week nor month", p)
		}
	}
	if len(c.Specs) == 0 && !broken["specs"] {
		fail("specs", "name at least one spec file or directory")
	}
	if time.Duration(c.EvaluationInterval) < time.Second && !broken["evaluation_interval"] {
		fail("evaluation_interval", "%s is shorter than 1s", time.Duration(c.EvaluationInterval))
	}
	if u, err := url.Parse(c.ExternalURL); (err != nil || u.Scheme == "" || u.Host == "") && !broken["external_url"] {
		fail("external_url", "%q is not an absolute URL", c.ExternalURL)
	}
	if s := c.Alerting.FailingSeverity; s != "" && s != "page" && s != "ticket" {
		fail("alerting.failing_severity", "%q is neither page nor ticket", s)
	}
	names := map[string]bool{}
	for _, n := range extraReceivers {
		names[n] = true
	}
	for i := range c.Receivers {
		if broken["receivers"] {
			break // a list that did not decode has no receivers to check
		}
		r := &c.Receivers[i]
		path := fmt.Sprintf("receivers[%d]", i)
		if err := r.resolve(dir, path); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				// "slack.webhook_url: …" or "receivers[0].slack.webhook_url:
				// …" is placed at that setting.
				setting, msg, _ := strings.Cut(line, ": ")
				switch {
				case check.nodes[path+"."+setting] != nil:
					fail(path+"."+setting, "%s", msg)
				case strings.HasPrefix(setting, path) && check.nodes[setting] != nil:
					fail(setting, "%s", msg)
				default:
					fail(path, "%s", line)
				}
			}
		}
		if names[r.Name] && r.Name != "" {
			fail(path+".name", "the name %q is used twice (or by a built-in receiver)", r.Name)
		}
		names[r.Name] = true
	}
	known := func(where string, list []string) {
		if broken["receivers"] {
			return // the names are not known
		}
		for i, n := range list {
			if !names[n] {
				fail(fmt.Sprintf("%s[%d]", where, i), "unknown receiver %q", n)
			}
		}
	}
	for i, r := range c.Routes {
		path := fmt.Sprintf("routes[%d]", i)
		if len(r.Receivers) == 0 {
			fail(path+".receivers", "no receivers")
		}
		known(path+".receivers", r.Receivers)
		for j, k := range r.Match.Kinds {
			switch alerting.Kind(k) {
			case alerting.KindBurn, alerting.KindNoData, alerting.KindEvaluationFailing, alerting.KindExhaustion, alerting.KindBudgetSpent, alerting.KindReport:
			default:
				fail(fmt.Sprintf("%s.match.kinds[%d]", path, j), "unknown kind %q (want burn, no_data, evaluation_failing, budget_exhaustion, budget_spent or report)", k)
			}
		}
	}
	known("default_receivers", c.DefaultReceivers)
	if len(names) > 0 && len(c.DefaultReceivers) == 0 && !hasCatchAll(c.Routes) && !broken["routes"] && !broken["default_receivers"] {
		fail("default_receivers", "name the receivers of notifications no route matches")
	}
	if !broken["heartbeat"] {
		c.Heartbeat.validate(dir, fail)
	}
	if !broken["store"] {
		c.validateStore(fail, resolve)
	}
	if !broken["web"] {
		if c.Web.BearerToken.Set() {
			resolve("web.bearer_token", &c.Web.BearerToken)
		}
		if ba := c.Web.BasicAuth; ba != nil {
			resolve("web.basic_auth.password", &ba.Password)
		}
	}
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
