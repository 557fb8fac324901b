package slack_test

import (
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/alerting/receivertest"
	"github.com/burnwatch/burnwatch/alerting/slack"
	"github.com/burnwatch/burnwatch/internal/secret"
)

func TestConfigValidate(t *testing.T) {
	const url = "https://hooks.slack.com/services/T0001/B0001/" + token
	tests := []struct {
		name    string
		cfg     slack.Config
		wantErr string
	}{
		{"A webhook URL alone is valid.", slack.Config{WebhookURL: secret.Literal(url)}, ""},
		{"Every override is valid.", slack.Config{WebhookURL: secret.Literal(url), Channel: "#checkout", Username: "burnwatch", IconEmoji: ":fire:"}, ""},
		{"A missing webhook URL is an error.", slack.Config{}, "webhook_url is required"},
		{"A webhook URL without a scheme is an error that does not quote it.", slack.Config{WebhookURL: secret.Literal(strings.TrimPrefix(url, "https://"))}, "webhook_url must be an http or https URL"},
		{"A webhook URL with a bad escape is an error that does not quote it.", slack.Config{WebhookURL: secret.Literal(url + "%zz")}, "webhook_url is not a valid URL"},
		{"A channel with a space is an error.", slack.Config{WebhookURL: secret.Literal(url), Channel: "#check out"}, "contains white space"},
		{"An icon that is not :name: is an error.", slack.Config{WebhookURL: secret.Literal(url), IconEmoji: "fire"}, "icon_emoji"},
		{"A two-line username is an error.", slack.Config{WebhookURL: secret.Literal(url), Username: "a\nb"}, "username"},
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
			if strings.Contains(err.Error(), token) {
				t.Errorf("error %q leaks the webhook token", err)
			}
		})
	}
}

func TestConfigLoadsFromYAML(t *testing.T) {
	t.Setenv("BURNWATCH_TEST_SLACK_URL", "https://hooks.slack.com/services/T/B/"+token)
	var cfg slack.Config
	err := receivertest.LoadConfig(t, "webhook_url: {env: BURNWATCH_TEST_SLACK_URL}\nchannel: \"#checkout\"\nusername: burnwatch\nicon_emoji: \":fire:\"\n", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.WebhookURL.Value() != "https://hooks.slack.com/services/T/B/"+token || cfg.Channel != "#checkout" || cfg.Username != "burnwatch" || cfg.IconEmoji != ":fire:" {
		t.Errorf("loaded %+v", cfg)
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"An inline webhook URL is refused.", "webhook_url: https://hooks.slack.com/services/T/B/" + token + "\n",
			"webhook_url: a secret must not be written in the config: give {file: path} or {env: NAME}"},
		{"A missing webhook URL is named.", "channel: \"#checkout\"\n", "webhook_url: give {file: path} or {env: NAME}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg slack.Config
			err := receivertest.LoadConfig(t, tt.doc, &cfg)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
