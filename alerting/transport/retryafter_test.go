package transport_test

import (
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting/transport"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"Delta-seconds are a delay.", "120", 2 * time.Minute, true},
		{"Zero seconds means now.", "0", 0, true},
		{"Spaces around the value are ignored.", " 5 ", 5 * time.Second, true},
		{"An IMF-fixdate is measured from now.", "Sun, 01 Mar 2026 12:01:30 GMT", 90 * time.Second, true},
		{"An obsolete RFC 850 date is accepted.", "Sunday, 01-Mar-26 12:00:10 GMT", 10 * time.Second, true},
		{"An ANSI C date is accepted.", "Sun Mar  1 12:00:20 2026", 20 * time.Second, true},
		{"A date in the past means no wait.", "Sun, 01 Mar 2026 11:00:00 GMT", 0, true},
		{"A huge delay is capped.", "99999999999999", transport.MaxRetryAfter, true},
		{"An empty value is absent.", "", 0, false},
		{"A negative number is invalid.", "-5", 0, false},
		{"A fraction is invalid.", "1.5", 0, false},
		{"Garbage is invalid.", "soon", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := transport.ParseRetryAfter(tt.value, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseRetryAfter(%q) = %s, %v; want %s, %v", tt.value, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
