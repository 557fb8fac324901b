package daemon

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/internal/secret"
)

func TestTheLogHandlerRedactsEveryTextOfARecord(t *testing.T) {
	const s = "s3cret-value-42"
	cases := []struct {
		name string
		log  func(l *slog.Logger)
	}{
		{"the message", func(l *slog.Logger) { l.Info("token " + s) }},
		{"a string attribute", func(l *slog.Logger) { l.Info("m", "url", "http://x/"+s) }},
		{"an error attribute", func(l *slog.Logger) { l.Error("m", "err", fmt.Errorf("wrapped: %w", errors.New("echo "+s))) }},
		{"an attribute in a group", func(l *slog.Logger) { l.Info("m", slog.Group("req", "header", "Bearer "+s)) }},
		{"an attribute given to With", func(l *slog.Logger) { l.With("receiver", s).Info("m") }},
		{"a list of strings", func(l *slog.Logger) { l.Warn("m", "warnings", []string{"a", s}) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf lockedBuffer
			l := slog.New(redactHandler{next: slog.NewJSONHandler(&buf, nil), r: secret.NewRedactor(s)})
			c.log(l)
			if out := buf.String(); strings.Contains(out, s) || !strings.Contains(out, "redacted") {
				t.Errorf("log line %q shows the secret or no redaction", out)
			}
		})
	}
}
