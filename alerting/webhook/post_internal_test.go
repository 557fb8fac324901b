package webhook

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestReadSnippet(t *testing.T) {
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readSnippet(strings.NewReader(tt.body))
			if got != tt.want {
				t.Errorf("readSnippet = %q, want %q", got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("readSnippet = %q is not valid UTF-8", got)
			}
		})
	}
}

func TestRedactHidesURLTokensAndSecrets(t *testing.T) {
	r := Request{
		URL:     "https://user:pa55word-very-secret@hooks.example.com/services/T0001/B0001/abcdefghijklmnopqrstuvwx?key=0123456789abcdefXYZ",
		Secrets: []string{"routing-key-1"},
	}
	got := redactString("echo pa55word-very-secret abcdefghijklmnopqrstuvwx 0123456789abcdefXYZ routing-key-1 services T0001", r)
	want := "echo <redacted> <redacted> <redacted> <redacted> services T0001"
	if got != want {
		t.Errorf("redactString = %q, want %q", got, want)
	}
}
