package daemon

import (
	"strings"
	"testing"
)

func TestReceiverErrorsNameTheFieldInYAMLTerms(t *testing.T) {
	t.Setenv("BURNWATCH_TEST_URL", "http://127.0.0.1:1/hook")
	base := "prometheus: {url: http://127.0.0.1:9090}\nspecs: [specs]\ndefault_receivers: [a]\nreceivers:\n" +
		"  - name: a\n    webhook: {url: {env: BURNWATCH_TEST_URL}}\n" +
		"  - name: b\n    slack: {webhook_url: {env: BURNWATCH_TEST_URL}}\n"
	tests := []struct {
		name, receiver string
		want           []string
	}{
		{"An inline routing key names its receiver's index, kind and field.",
			"  - name: c\n    pagerduty: {routing_key: R0UT1NGK3Y0123456789}\n",
			[]string{"receivers[2].pagerduty.routing_key: a secret must not be written in the config: give {file: path} or {env: NAME}"}},
		{"Every problem of an Alertmanager section is reported, each with its path.",
			"  - name: c\n    alertmanager: {urls: [ftp://x], basic_auth: {password: {env: BURNWATCH_TEST_URL}}, resend_interval: 1ms}\n",
			[]string{"receivers[2].alertmanager.urls[0] must be an http or https URL", "receivers[2].alertmanager.basic_auth.username is required",
				"receivers[2].alertmanager.resend_interval 1ms is shorter than a second"}},
		{"A missing name and two kinds are both reported.",
			"  - webhook: {url: {env: BURNWATCH_TEST_URL}}\n    slack: {webhook_url: {env: BURNWATCH_TEST_URL}}\n",
			[]string{"receivers[2].name: is required", "receivers[2]: set exactly one of slack, pagerduty, webhook and alertmanager (got 2)"}},
		{"An unset variable names the field.",
			"  - name: c\n    webhook: {url: {env: BURNWATCH_TEST_URL}, secret: {env: BURNWATCH_TEST_UNSET_VARIABLE}}\n",
			[]string{"receivers[2].webhook.secret: environment variable BURNWATCH_TEST_UNSET_VARIABLE is not set"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(writeConfig(t, base+tt.receiver))
			if err == nil {
				t.Fatal("loaded without error")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not say %q:\n%v", want, err)
				}
			}
			if strings.Contains(err.Error(), "R0UT1NGK3Y") {
				t.Errorf("error shows the inline secret: %v", err)
			}
		})
	}
}

func TestAnInlineSecretOutsideTheReceiversIsStillRefused(t *testing.T) {
	for _, field := range []string{"web: {bearer_token: t0ken-written-inline}", "prometheus: {url: http://127.0.0.1:9090, bearer_token: t0ken-written-inline}"} {
		text := "prometheus: {url: http://127.0.0.1:9090}\nspecs: [specs]\n"
		if strings.HasPrefix(field, "prometheus") {
			text = "specs: [specs]\n"
		}
		_, err := LoadConfig(writeConfig(t, text+field+"\n"))
		if err == nil || !strings.Contains(err.Error(), ".bearer_token: a secret must not be written in the config") {
			t.Errorf("%s: error %v, want the inline secret refused", field, err)
		}
	}
}

func TestAWebhookSigningSecretMustBeAtLeast16Bytes(t *testing.T) {
	cases := []struct {
		name, secret string
		// refusal is what the error says after the secret's place; ""
		// when the secret is accepted.
		refusal string
	}{
		{"A 15-byte secret is refused.", "fifteen-bytes-x", "is shorter than 16 bytes"},
		{"A 4-byte secret is refused.", "four", "is shorter than 16 bytes"},
		{"A 3-byte secret is refused as before, as too short to redact.", "xyz", "is shorter than 4 characters"},
		{"A 16-byte secret is accepted.", "sixteen-bytes-xy", ""},
		{"A 64-character hex secret is accepted.", strings.Repeat("0f", 32), ""},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("BURNWATCH_TEST_URL", "http://127.0.0.1:1/hook")
			t.Setenv("BURNWATCH_TEST_SIGNING_SECRET", tt.secret)
			path := writeConfig(t, "prometheus: {url: http://127.0.0.1:9090}\nspecs: [specs]\ndefault_receivers: [a]\nreceivers:\n"+
				"  - name: a\n    webhook: {url: {env: BURNWATCH_TEST_URL}, secret: {env: BURNWATCH_TEST_SIGNING_SECRET}}\n")
			_, err := LoadConfig(path)
			want := path + ":6:55: receivers[0].webhook.secret: the secret from env BURNWATCH_TEST_SIGNING_SECRET " + tt.refusal
			switch {
			case tt.refusal != "" && (err == nil || !strings.Contains(err.Error(), want)):
				t.Errorf("error %v, want one saying %q", err, want)
			case tt.refusal == "" && err != nil:
				t.Errorf("refused: %v", err)
			}
			if err != nil && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
}
