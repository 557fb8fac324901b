package alertmanager_test

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/alerting/alertmanager"
	"github.com/burnwatch/burnwatch/alerting/receivertest"
	"github.com/burnwatch/burnwatch/internal/secret"
)

func TestConfigValidate(t *testing.T) {
	am := []string{"http://alertmanager-0:9093", "http://alertmanager-1:9093/"}
	tests := []struct {
		name    string
		cfg     alertmanager.Config
		wantErr string
	}{
		{"Peer URLs alone are valid.", alertmanager.Config{URLs: am}, ""},
		{"Basic auth, a resend interval and an alert name are valid.", alertmanager.Config{URLs: am, BasicAuth: &alertmanager.BasicAuth{Username: "u", Password: secret.Literal("p")}, ResendInterval: model.Duration(2 * time.Minute), AlertName: "Burn"}, ""},
		{"No URL is an error.", alertmanager.Config{}, "urls: at least one Alertmanager URL is required"},
		{"A URL without a scheme is an error.", alertmanager.Config{URLs: []string{"alertmanager:9093"}}, "urls[0] must be an http or https URL"},
		{"Credentials in a URL are an error that does not quote them.", alertmanager.Config{URLs: []string{"http://u:" + bearerToken + "@alertmanager:9093"}}, "urls[0] has credentials in it: use basic_auth"},
		{"A query in a URL is an error.", alertmanager.Config{URLs: []string{"http://alertmanager:9093?x=1"}}, "urls[0] has a query or fragment"},
		{"A repeated URL is an error.", alertmanager.Config{URLs: []string{am[0], am[0]}}, "urls[1] repeats an earlier URL"},
		{"Basic auth without a user name is an error.", alertmanager.Config{URLs: am, BasicAuth: &alertmanager.BasicAuth{Password: secret.Literal(bearerToken)}}, "basic_auth.username is required"},
		{"Basic auth and a bearer token together are an error.", alertmanager.Config{URLs: am, BasicAuth: &alertmanager.BasicAuth{Username: "u"}, BearerToken: secret.Literal(bearerToken)}, "not both"},
		{"A resend interval under a second is an error.", alertmanager.Config{URLs: am, ResendInterval: model.Duration(time.Millisecond)}, "shorter than a second"},
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

func TestConfigLoadsFromYAML(t *testing.T) {
	t.Setenv("BURNWATCH_TEST_AM_PASSWORD", "pa55-w0rd-for-am")
	var cfg alertmanager.Config
	err := receivertest.LoadConfig(t, `
urls: [http://alertmanager-0:9093, http://alertmanager-1:9093]
basic_auth:
  username: burnwatch
  password: {env: BURNWATCH_TEST_AM_PASSWORD}
resend_interval: 2m
alert_name: SLOBurn
`, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.URLs) != 2 || cfg.BasicAuth == nil || cfg.BasicAuth.Password.Value() != "pa55-w0rd-for-am" || time.Duration(cfg.ResendInterval) != 2*time.Minute || cfg.AlertName != "SLOBurn" {
		t.Errorf("loaded %+v", cfg)
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"An inline password is refused.", "urls: [http://127.0.0.1:9093]\nbasic_auth: {username: u, password: p4ssw0rd}\n",
			"basic_auth.password: a secret must not be written in the config: give {file: path} or {env: NAME}"},
		{"An inline bearer token is refused.", "urls: [http://127.0.0.1:9093]\nbearer_token: " + bearerToken + "\n",
			"bearer_token: a secret must not be written in the config: give {file: path} or {env: NAME}"},
		{"Every problem is reported at once.", "urls: [ftp://a, http://u:p@b]\nbasic_auth: {password: {env: HOME}}\nresend_interval: 1ms\n",
			"urls[0] must be an http or https URL\nurls[1] has credentials in it: use basic_auth\nbasic_auth.username is required\nresend_interval 1ms is shorter than a second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg alertmanager.Config
			err := receivertest.LoadConfig(t, tt.doc, &cfg)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
