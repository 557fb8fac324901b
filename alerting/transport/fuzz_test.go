package transport_test

import (
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting/transport"
)

// FuzzParseRetryAfter feeds arbitrary Retry-After headers from receivers to
// the parser: it must never panic, nor return a negative or unbounded wait.
func FuzzParseRetryAfter(f *testing.F) {
	for _, seed := range []string{"120", "0", "-5", "Wed, 21 Oct 2026 07:28:00 GMT", "99999999999999999999", "soon"} {
		f.Add(seed)
	}
	now := time.Date(2026, 10, 21, 7, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, header string) {
		wait, ok := transport.ParseRetryAfter(header, now)
		if ok && (wait < 0 || wait > transport.MaxRetryAfter) {
			t.Errorf("Retry-After %q gave a wait of %s", header, wait)
		}
	})
}
