package secret

import (
	"net/url"
	"testing"
)

func TestRedactRemovesEveryFormOfAValue(t *testing.T) {
	token := "tok/en+with=chars"
	r := NewRedactor(token, "ab", BasicAuth("user", "pa55word"))
	cases := []struct{ name, in, want string }{
		{"the raw value", "500: echo Authorization: Bearer " + token, "500: echo Authorization: Bearer " + Redacted},
		{"the query-escaped value", "GET /?t=" + url.QueryEscape(token), "GET /?t=" + Redacted},
		{"the basic-auth header", "Authorization: Basic " + BasicAuth("user", "pa55word"), "Authorization: Basic " + Redacted},
		{"a value too short to redact is left", "ab cd", "ab cd"},
		{"a text without secrets is unchanged", "query timed out", "query timed out"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := r.Redact(c.in); got != c.want {
				t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestRedactAfterSetForgetsOldValues(t *testing.T) {
	r := NewRedactor("old-secret-value")
	r.Set("new-secret-value")
	if got := r.Redact("old-secret-value new-secret-value"); got != "old-secret-value "+Redacted {
		t.Errorf("got %q", got)
	}
	var nilR *Redactor
	if got := nilR.Redact("x-secret"); got != "x-secret" {
		t.Errorf("nil redactor changed the text: %q", got)
	}
}
