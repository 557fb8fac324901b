package pagerduty_test

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/burnwatch/burnwatch/alerting/pagerduty"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     pagerduty.Config
		wantErr string
	}{
		{"A routing key alone is valid.", pagerduty.Config{RoutingKey: routingKey}, ""},
		{"Every setting is valid.", pagerduty.Config{RoutingKey: routingKey, URL: "http://127.0.0.1:8080/v2/enqueue", Severities: map[string]string{"page": "error"}, Client: "burnwatch prod", ClientURL: "https://burnwatch.example.com"}, ""},
		{"A missing routing key is an error.", pagerduty.Config{}, "routing_key is required"},
		{"A routing key with a line break is an error that does not quote it.", pagerduty.Config{RoutingKey: routingKey + "\n"}, "routing_key contains white space"},
		{"A URL that is not http is an error.", pagerduty.Config{RoutingKey: routingKey, URL: "ftp://events.pagerduty.com"}, "url must be an http or https URL"},
		{"An unknown PagerDuty severity is an error.", pagerduty.Config{RoutingKey: routingKey, Severities: map[string]string{"ticket": "minor"}}, `severities: ticket maps to "minor", want one of critical, error, warning, info`},
		{"A relative client URL is an error.", pagerduty.Config{RoutingKey: routingKey, ClientURL: "/burnwatch"}, "client_url must be an http or https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate = %v, want an error containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), routingKey) {
				t.Errorf("error %q leaks the routing key", err)
			}
		})
	}
}

func TestConfigDecodesFromStrictYAML(t *testing.T) {
	const doc = `
routing_key: k
url: https://events.eu.pagerduty.com/v2/enqueue
severities:
  ticket: info
client: burnwatch
client_url: https://burnwatch.example.com
`
	var cfg pagerduty.Config
	dec := yaml.NewDecoder(strings.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.RoutingKey != "k" || cfg.URL != "https://events.eu.pagerduty.com/v2/enqueue" || cfg.Severities["ticket"] != "info" ||
		cfg.Client != "burnwatch" || cfg.ClientURL != "https://burnwatch.example.com" {
		t.Errorf("decoded %+v", cfg)
	}
}
