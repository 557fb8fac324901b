package pagerduty_test

import (
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/alerting/pagerduty"
	"github.com/burnwatch/burnwatch/alerting/receivertest"
	"github.com/burnwatch/burnwatch/internal/secret"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     pagerduty.Config
		wantErr string
	}{
		{"A routing key alone is valid.", pagerduty.Config{RoutingKey: secret.Literal(routingKey)}, ""},
		{"Every setting is valid.", pagerduty.Config{RoutingKey: secret.Literal(routingKey), URL: "http://127.0.0.1:8080/v2/enqueue", Severities: map[string]string{"page": "error"}, Client: "burnwatch prod", ClientURL: "https://burnwatch.example.com"}, ""},
		{"A missing routing key is an error.", pagerduty.Config{}, "routing_key is required"},
		{"A routing key with a line break is an error that does not quote it.", pagerduty.Config{RoutingKey: secret.Literal(routingKey + "\n")}, "routing_key contains white space"},
		{"A URL that is not http is an error.", pagerduty.Config{RoutingKey: secret.Literal(routingKey), URL: "ftp://events.pagerduty.com"}, "url must be an http or https URL"},
		{"An unknown PagerDuty severity is an error.", pagerduty.Config{RoutingKey: secret.Literal(routingKey), Severities: map[string]string{"ticket": "minor"}}, `severities: ticket maps to "minor", want one of critical, error, warning, info`},
		{"A relative client URL is an error.", pagerduty.Config{RoutingKey: secret.Literal(routingKey), ClientURL: "/burnwatch"}, "client_url must be an http or https URL"},
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

func TestConfigLoadsFromYAML(t *testing.T) {
	t.Setenv("BURNWATCH_TEST_ROUTING_KEY", routingKey)
	var cfg pagerduty.Config
	err := receivertest.LoadConfig(t, `
routing_key: {env: BURNWATCH_TEST_ROUTING_KEY}
url: https://events.eu.pagerduty.com/v2/enqueue
severities:
  ticket: info
client: burnwatch
client_url: https://burnwatch.example.com
`, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RoutingKey.Value() != routingKey || cfg.URL != "https://events.eu.pagerduty.com/v2/enqueue" || cfg.Severities["ticket"] != "info" ||
		cfg.Client != "burnwatch" || cfg.ClientURL != "https://burnwatch.example.com" {
		t.Errorf("loaded %+v", cfg)
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"An inline routing key is refused.", "routing_key: " + routingKey + "\n",
			"routing_key: a secret must not be written in the config: give {file: path} or {env: NAME}"},
		{"Every problem is reported at once.", "routing_key: {env: BURNWATCH_TEST_UNSET_VARIABLE}\n",
			"routing_key: environment variable BURNWATCH_TEST_UNSET_VARIABLE is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg pagerduty.Config
			err := receivertest.LoadConfig(t, tt.doc, &cfg)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
	cfg := pagerduty.Config{RoutingKey: secret.Literal(routingKey), URL: "ftp://x", Severities: map[string]string{"page": "loud"}, ClientURL: "/x"}
	want := "url must be an http or https URL\nseverities: page maps to \"loud\", want one of critical, error, warning, info\nclient_url must be an http or https URL"
	if err := cfg.Validate(); err == nil || err.Error() != want {
		t.Errorf("Validate = %v, want every problem:\n%s", err, want)
	}
}
