package slack

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var entity = regexp.MustCompile(`&(amp|lt|gt);`)

func TestTruncateNeverSplitsAnEntityOrACharacter(t *testing.T) {
	texts := map[string]string{
		"entities":   escape(strings.Repeat("<&>", 20)),
		"multibyte":  escape(strings.Repeat("🔥é&", 20)),
		"plain text": strings.Repeat("abc ", 30),
	}
	for name, s := range texts {
		for limit := len(truncatedNote); limit < len(s)+2; limit++ {
			got := truncate(s, limit)
			if len(got) > limit {
				t.Fatalf("%s: truncate to %d gave %d bytes", name, limit, len(got))
			}
			if !utf8.ValidString(got) {
				t.Fatalf("%s: truncate to %d split a character: %q", name, limit, got)
			}
			body := strings.TrimSuffix(got, truncatedNote)
			if strings.Count(body, "&") != len(entity.FindAllString(body, -1)) {
				t.Fatalf("%s: truncate to %d split an entity: %q", name, limit, got)
			}
			if (len(s) > limit) != strings.HasSuffix(got, truncatedNote) {
				t.Fatalf("%s: truncate to %d of %d bytes: note present = %v", name, limit, len(s), !(len(s) > limit))
			}
		}
	}
}

func TestJoinLinesLeavesOutWholeLinesAndCountsThem(t *testing.T) {
	lines := []string{strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40)}
	tests := []struct {
		name  string
		limit int
		want  string
	}{
		{"Everything fits.", 200, "T\n" + lines[0] + "\n" + lines[1] + "\n" + lines[2]},
		{"The last line is left out.", 120, "T\n" + lines[0] + "\n" + lines[1] + "\n_… and 1 more (truncated)_"},
		{"Two lines are left out.", 80, "T\n" + lines[0] + "\n_… and 2 more (truncated)_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := joinLines("T", lines, tt.limit)
			if got != tt.want {
				t.Errorf("joinLines = %q, want %q", got, tt.want)
			}
			if len(got) > tt.limit {
				t.Errorf("joinLines gave %d bytes, limit %d", len(got), tt.limit)
			}
		})
	}
}

func TestLinksOnlyToHTTPURLs(t *testing.T) {
	tests := []struct {
		name, url, label, want string
	}{
		{"An https URL is linked.", "https://jaeger.example.com/trace/1", "trace 1", "<https://jaeger.example.com/trace/1|trace 1>"},
		{"Characters that end a link are encoded.", "https://x.example/?a=1|2&b=<3>", "a<b", "<https://x.example/?a=1%7C2&amp;b=%3C3%3E|a&lt;b>"},
		{"A javascript URL is not linked.", "javascript:alert(1)", "trace", "trace"},
		{"A relative URL is not linked.", "/trace/1", "trace", "trace"},
		{"A too long URL is not linked.", "https://x.example/" + strings.Repeat("a", maxURL), "t&t", "t&amp;t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := link(tt.url, tt.label); got != tt.want {
				t.Errorf("link = %q, want %q", got, tt.want)
			}
		})
	}
}
