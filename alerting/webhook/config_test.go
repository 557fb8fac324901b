package webhook_test

import (
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/alerting/receivertest"
	"github.com/burnwatch/burnwatch/alerting/transport"
	"github.com/burnwatch/burnwatch/alerting/webhook"
	"github.com/burnwatch/burnwatch/internal/secret"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     webhook.Config
		wantErr string
	}{
		{"A URL with headers and a secret is valid.", webhook.Config{URL: secret.Literal("https://ops.example.com/hook?token=" + token), Headers: map[string]string{"Authorization": authHeader}, Secret: secret.Literal(hmacSecret)}, ""},
		{"A missing URL is an error.", webhook.Config{}, "url is required"},
		{"A URL without a scheme is an error that does not quote it.", webhook.Config{URL: secret.Literal("ops.example.com/hook?token=" + token)}, "url must be an http or https URL"},
		{"A URL that does not parse is an error that does not quote it.", webhook.Config{URL: secret.Literal("https://ops.example.com/%zz?token=" + token)}, "url is not a valid URL"},
		{"A header name with a space is an error.", webhook.Config{URL: secret.Literal("https://ops.example.com"), Headers: map[string]string{"X Team": "sre"}}, `headers: "X Team" is not a valid header name`},
		{"Content-Type cannot be configured.", webhook.Config{URL: secret.Literal("https://ops.example.com"), Headers: map[string]string{"content-type": "text/plain"}}, "headers: Content-Type is set by burnwatch"},
		{"The signature header cannot be configured.", webhook.Config{URL: secret.Literal("https://ops.example.com"), Headers: map[string]string{"X-Burnwatch-Signature": "x"}}, "headers: X-Burnwatch-Signature is set by burnwatch"},
		{"A header value with a line break is an error that does not quote it.", webhook.Config{URL: secret.Literal("https://ops.example.com"), Headers: map[string]string{"Authorization": authHeader + "\r\nX-Evil: 1"}}, "the value of Authorization contains a line break"},
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
			for _, secret := range []string{token, authHeader, hmacSecret} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q leaks a secret", err)
				}
			}
		})
	}
}

func TestNewNamesTheReceiverInConfigErrors(t *testing.T) {
	_, err := webhook.New("ops-bridge", webhook.Config{}, transport.Options{})
	if want := `webhook receiver "ops-bridge": url is required`; err == nil || err.Error() != want {
		t.Errorf("New = %v, want %q", err, want)
	}
}

func TestConfigLoadsFromYAML(t *testing.T) {
	t.Setenv("BURNWATCH_TEST_WEBHOOK_URL", "https://ops.example.com/hook?token="+token)
	t.Setenv("BURNWATCH_TEST_WEBHOOK_SECRET", hmacSecret)
	var cfg webhook.Config
	err := receivertest.LoadConfig(t, `
url: {env: BURNWATCH_TEST_WEBHOOK_URL}
headers:
  Authorization: Bearer x
secret: {env: BURNWATCH_TEST_WEBHOOK_SECRET}
`, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.URL.Value() != "https://ops.example.com/hook?token="+token || cfg.Headers["Authorization"] != "Bearer x" || cfg.Secret.Value() != hmacSecret {
		t.Errorf("loaded %+v", cfg)
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	var cfg webhook.Config
	err := receivertest.LoadConfig(t, "url: https://ops.example.com/hook\nsecret: "+hmacSecret+"\n", &cfg)
	want := "url: a secret must not be written in the config: give {file: path} or {env: NAME}\n" +
		"secret: a secret must not be written in the config: give {file: path} or {env: NAME}"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want\n%s", err, want)
	}
}
