package promtest

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// promConfig is the part of prometheus.yml that tests use.
type promConfig struct {
	Global        globalConfig   `yaml:"global"`
	RuleFiles     []string       `yaml:"rule_files,omitempty"`
	ScrapeConfigs []scrapeConfig `yaml:"scrape_configs,omitempty"`
}

type globalConfig struct {
	ScrapeInterval     string `yaml:"scrape_interval"`
	ScrapeTimeout      string `yaml:"scrape_timeout"`
	EvaluationInterval string `yaml:"evaluation_interval"`
}

type scrapeConfig struct {
	JobName        string         `yaml:"job_name"`
	ScrapeInterval string         `yaml:"scrape_interval"`
	ScrapeTimeout  string         `yaml:"scrape_timeout"`
	MetricsPath    string         `yaml:"metrics_path"`
	StaticConfigs  []staticConfig `yaml:"static_configs"`
}

type staticConfig struct {
	Targets []string `yaml:"targets"`
}

// writeConfig writes prometheus.yml and the rule files into dir and returns
// the path of prometheus.yml.
//
// No scrape_protocols is written: Prometheus 2.42 does not know the setting
// (it came in 2.49) and refuses the file, and every version since 2.5 asks
// for OpenMetrics first anyway, which is what carries exemplars.
func writeConfig(dir string, opts Options) (string, error) {
	cfg := promConfig{Global: globalConfig{
		ScrapeInterval:     duration(opts.ScrapeInterval),
		ScrapeTimeout:      duration(opts.ScrapeInterval),
		EvaluationInterval: duration(opts.EvaluationInterval),
	}}
	for i, rules := range opts.RuleFiles {
		path := filepath.Join(dir, fmt.Sprintf("rules-%d.yml", i))
		if err := os.WriteFile(path, []byte(rules), 0o644); err != nil {
			return "", fmt.Errorf("write rule file %d: %w", i, err)
		}
		cfg.RuleFiles = append(cfg.RuleFiles, path)
	}
	for i, sc := range opts.ScrapeConfigs {
		interval := sc.Interval
		if interval == 0 {
			interval = opts.ScrapeInterval
		}
		name := sc.JobName
		if name == "" {
			name = fmt.Sprintf("job%d", i)
		}
		path := sc.MetricsPath
		if path == "" {
			path = "/metrics"
		}
		cfg.ScrapeConfigs = append(cfg.ScrapeConfigs, scrapeConfig{
			JobName:        name,
			ScrapeInterval: duration(interval),
			ScrapeTimeout:  duration(interval),
			MetricsPath:    path,
			StaticConfigs:  []staticConfig{{Targets: sc.Targets}},
		})
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		return "", fmt.Errorf("render prometheus.yml: %w", err)
	}
	path := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return "", fmt.Errorf("write prometheus.yml: %w", err)
	}
	return path, nil
}

// duration renders d the way Prometheus' configuration reads durations.
func duration(d time.Duration) string {
	return model.Duration(d).String()
}
