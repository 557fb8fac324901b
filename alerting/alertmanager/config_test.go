package alertmanager_test

import (
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/burnwatch/burnwatch/alerting/alertmanager"
)

func TestConfigValidate(t *testing.T) {
	am := []string{"http://alertmanager-0:9093", "http://alertmanager-1:9093/"}
	tests := []struct {
		name    string
		cfg     alertmanager.Config
		wantErr string
	}{
		{"Peer URLs alone are valid.", alertmanager.Config{URLs: am}, ""},
		{"Basic auth, a resend interval and an alert name are valid.", alertmanager.Config{URLs: am, BasicAuth: &alertmanager.BasicAuth{Username: "u", Password: "p"}, ResendInterval: 2 * time.Minute, AlertName: "Burn"}, ""},
		{"No URL is an error.", alertmanager.Config{}, "urls: at least one Alertmanager URL is required"},
		{"A URL without a scheme is an error.", alertmanager.Config{URLs: []string{"alertmanager:9093"}}, "urls[0] must be an http or https URL"},
		{"Credentials in a URL are an error that does not quote them.", alertmanager.Config{URLs: []string{"http://u:" + bearerToken + "@alertmanager:9093"}}, "urls[0] has credentials in it: use basic_auth"},
		{"A query in a URL is an error.", alertmanager.Config{URLs: []string{"http://alertmanager:9093?x=1"}}, "urls[0] has a query or fragment"},
		{"A repeated URL is an error.", alertmanager.Config{URLs: []string{am[0], am[0]}}, "urls[1] repeats an earlier URL"},
		{"Basic auth without a user name is an error.", alertmanager.Config{URLs: am, BasicAuth: &alertmanager.BasicAuth{Password: bearerToken}}, "basic_auth: username is required"},
		{"Basic auth and a bearer token together are an error.", alertmanager.Config{URLs: am, BasicAuth: &alertmanager.BasicAuth{Username: "u"}, BearerToken: bearerToken}, "not both"},
		{"A negative resend interval is an error.", alertmanager.Config{URLs: am, ResendInterval: -time.Second}, "resend_interval -1s is negative"},
		{"A resend interval under a second is an error.", alertmanager.Config{URLs: am, ResendInterval: time.Millisecond}, "shorter than a second"},
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
			if strings.Contains(err.Error(), bearerToken) {
				t.Errorf("error %q leaks a secret", err)
			}
		})
	}
}

func TestConfigDecodesFromStrictYAML(t *testing.T) {
	const doc = `
urls: [http://alertmanager-0:9093, http://alertmanager-1:9093]
basic_auth:
  username: burnwatch
  password: secret
resend_interval: 2m
alert_name: SLOBurn
`
	var cfg alertmanager.Config
	dec := yaml.NewDecoder(strings.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.URLs) != 2 || cfg.BasicAuth == nil || cfg.BasicAuth.Password != "secret" || cfg.ResendInterval != 2*time.Minute || cfg.AlertName != "SLOBurn" {
		t.Errorf("decoded %+v", cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate = %v", err)
	}
}
