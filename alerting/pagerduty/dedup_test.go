package pagerduty_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/burnwatch/burnwatch/alerting/pagerduty"
)

func TestDedupKey(t *testing.T) {
	long := "checkout/requests-latency/page/" + strings.Repeat("k", 300)
	tests := []struct {
		name string
		key  string
		want string
	}{
		{"A short key is kept.", "checkout/requests-latency/page/1", "checkout/requests-latency/page/1"},
		{"A 255-byte key is kept.", strings.Repeat("a", 255), strings.Repeat("a", 255)},
		{"A longer key keeps its start and gains a hash.", long, long[:222] + "~6528e49892f29fc55c0deb418d2ef7ad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pagerduty.DedupKey(tt.key); got != tt.want {
				t.Errorf("DedupKey = %q (%d bytes), want %q", got, len(got), tt.want)
			}
		})
	}
}

func TestLongDedupKeysAreStableDistinctAndWholeCharacters(t *testing.T) {
	a := strings.Repeat("é", 200) + "a"
	b := strings.Repeat("é", 200) + "b"
	ka, kb := pagerduty.DedupKey(a), pagerduty.DedupKey(b)
	if ka != pagerduty.DedupKey(a) {
		t.Error("DedupKey is not deterministic")
	}
	if ka == kb {
		t.Errorf("keys that differ only at the end share the dedup_key %q", ka)
	}
	if len(ka) > 255 || !utf8.ValidString(ka) {
		t.Errorf("DedupKey = %q: %d bytes, valid UTF-8 %v", ka, len(ka), utf8.ValidString(ka))
	}
}
