package transport

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSnippet(t *testing.T) {
	const key = "routing-key-0123456789"
	s, err := NewSender("test", "r", Options{}, key)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		body string
		want string
	}{
		{"A short body is quoted whole.", "invalid_payload", "invalid_payload"},
		{"Line breaks and runs of spaces become one space.", "line one\n\n  line two\r\n", "line one line two"},
		{"A long body is cut at 200 bytes and marked.", strings.Repeat("x", 500), strings.Repeat("x", 200) + "…"},
		{"A cut never splits a character.", "a" + strings.Repeat("é", 150), "a" + strings.Repeat("é", 99) + "…"},
		{"Invalid UTF-8 is replaced.", "bad \xff byte", "bad \uFFFD byte"},
		{"A secret is removed.", "you sent " + key, "you sent <redacted>"},
		{"A secret across the cut is removed before the cut, leaving none of it.", strings.Repeat("x", 190) + key + strings.Repeat("y", 100),
			strings.Repeat("x", 190) + "<redacted>…"},
		{"A secret beyond the first 200 bytes is removed too.", strings.Repeat("x ", 2000) + key, strings.Repeat("x ", 100)[:200] + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.snippet(strings.NewReader(tt.body))
			if got != tt.want {
				t.Errorf("snippet = %q, want %q", got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("snippet = %q is not valid UTF-8", got)
			}
			if strings.Contains(got, key[:8]) {
				t.Errorf("snippet = %q shows the start of the secret", got)
			}
		})
	}
}
