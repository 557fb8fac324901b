package slack_test

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/burnwatch/burnwatch/alerting/slack"
)

func TestConfigValidate(t *testing.T) {
	const url = "https://hooks.slack.com/services/T0001/B0001/" + token
	tests := []struct {
		name    string
		cfg     slack.Config
		wantErr string
	}{
		{"A webhook URL alone is valid.", slack.Config{WebhookURL: url}, ""},
		{"Every override is valid.", slack.Config{WebhookURL: url, Channel: "#checkout", Username: "burnwatch", IconEmoji: ":fire:"}, ""},
		{"A missing webhook URL is an error.", slack.Config{}, "webhook_url is required"},
		{"A webhook URL without a scheme is an error that does not quote it.", slack.Config{WebhookURL: strings.TrimPrefix(url, "https://")}, "webhook_url must be an http or https URL"},
		{"A webhook URL with a bad escape is an error that does not quote it.", slack.Config{WebhookURL: url + "%zz"}, "webhook_url is not a valid URL"},
		{"A channel with a space is an error.", slack.Config{WebhookURL: url, Channel: "#check out"}, "contains white space"},
		{"An icon that is not :name: is an error.", slack.Config{WebhookURL: url, IconEmoji: "fire"}, "icon_emoji"},
		{"A two-line username is an error.", slack.Config{WebhookURL: url, Username: "a\nb"}, "username"},
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

func TestConfigDecodesFromStrictYAML(t *testing.T) {
	const doc = `
webhook_url: https://hooks.slack.com/services/T/B/x
channel: "#checkout"
username: burnwatch
icon_emoji: ":fire:"
`
	var cfg slack.Config
	dec := yaml.NewDecoder(strings.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	want := slack.Config{WebhookURL: "https://hooks.slack.com/services/T/B/x", Channel: "#checkout", Username: "burnwatch", IconEmoji: ":fire:"}
	if cfg != want {
		t.Errorf("decoded %+v, want %+v", cfg, want)
	}
}
