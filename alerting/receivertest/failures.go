package receivertest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
)

// Factory builds the receiver under test so that it posts to url (a base
// URL, for receivers that add a path) with client, on the clock Clock.
type Factory func(t *testing.T, url string, client *http.Client) alerting.Receiver

// TestDeliveryFailures checks that a receiver classifies failed deliveries
// the way the alerting contract says: a 429 or 503 with Retry-After (in
// seconds or as an HTTP-date) wraps an *alerting.RetryAfterError, 5xx,
// 429, timeouts, refused connections and cancelled contexts are
// retryable, other 4xx are final and quote the start of the response body.
// Every error names the receiver and contains none of secrets, even when
// the server echoes them.
func TestDeliveryFailures(t *testing.T, newReceiver Factory, secrets ...string) {
	echo := strings.Join(secrets, " ")
	// fault is what goes wrong besides the status: the server hangs, no
	// server listens, or the caller cancels while the server hangs.
	const (
		noFault = iota
		hang
		refused
		cancelled
	)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		body       string
		fault      int

		wantRetryable bool
		wantAfter     time.Duration // 0: no RetryAfterError
		wantInError   string
	}{
		{name: "A 429 with Retry-After in seconds asks to wait that long.", status: 429, retryAfter: "30", body: "rate_limited",
			wantRetryable: true, wantAfter: 30 * time.Second, wantInError: "429 Too Many Requests: rate_limited"},
		{name: "A 429 with Retry-After as an HTTP-date asks to wait until then.", status: 429, retryAfter: "Sun, 01 Mar 2026 12:02:00 GMT",
			wantRetryable: true, wantAfter: 2 * time.Minute, wantInError: "429 Too Many Requests"},
		{name: "A 503 with Retry-After asks to wait.", status: 503, retryAfter: "7",
			wantRetryable: true, wantAfter: 7 * time.Second, wantInError: "503 Service Unavailable"},
		{name: "A 429 without Retry-After is retryable.", status: 429,
			wantRetryable: true, wantInError: "429 Too Many Requests"},
		{name: "A 500 is retryable.", status: 500, body: "upstream exploded",
			wantRetryable: true, wantInError: "500 Internal Server Error: upstream exploded"},
		{name: "A 400 is final and quotes at most 200 bytes of the body, secrets redacted.", status: 400,
			body:          "invalid_payload: you sent " + echo + " " + strings.Repeat("x", 1000),
			wantRetryable: false, wantInError: "400 Bad Request: invalid_payload: you sent <redacted>"},
		{name: "A 404 is final.", status: 404, body: "no_service",
			wantRetryable: false, wantInError: "404 Not Found: no_service"},
		{name: "A server that hangs past the client timeout is retryable.", fault: hang,
			wantRetryable: true, wantInError: "Client.Timeout exceeded"},
		{name: "A refused connection is retryable.", fault: refused,
			wantRetryable: true, wantInError: "connection refused"},
		{name: "A cancelled context stops the delivery and is retryable.", fault: cancelled,
			wantRetryable: true, wantInError: "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			srv := NewServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.fault == hang || tt.fault == cancelled {
					select {
					case <-r.Context().Done():
					case <-release:
					}
					return
				}
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			t.Cleanup(func() { close(release) }) // runs before the server closes
			url := srv.URL
			if tt.fault == refused {
				url = closedServerURL(t)
			}
			client := &http.Client{Timeout: 5 * time.Second}
			if tt.fault == hang {
				client.Timeout = 100 * time.Millisecond
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.fault == cancelled {
				time.AfterFunc(100*time.Millisecond, cancel)
			}
			r := newReceiver(t, url, client)

			start := time.Now()
			retryable, err := r.Notify(ctx, FiringPage())
			if elapsed := time.Since(start); elapsed > 3*time.Second {
				t.Errorf("Notify took %s; it must give up with the client timeout or the context", elapsed)
			}
			if err == nil {
				t.Fatal("Notify succeeded, want an error")
			}
			msg := err.Error()
			if retryable != tt.wantRetryable {
				t.Errorf("retryable = %v, want %v (err: %v)", retryable, tt.wantRetryable, err)
			}
			after, ok := alerting.RetryAfter(err)
			if tt.wantAfter != 0 && (!ok || after != tt.wantAfter) {
				t.Errorf("RetryAfter = %s, %v; want %s, true (err: %v)", after, ok, tt.wantAfter, err)
			}
			if tt.wantAfter == 0 && ok {
				t.Errorf("RetryAfter = %s, true; want none (err: %v)", after, err)
			}
			if !strings.Contains(msg, tt.wantInError) {
				t.Errorf("error %q does not contain %q", msg, tt.wantInError)
			}
			if name := fmt.Sprintf("%q", r.Name()); !strings.Contains(msg, name) {
				t.Errorf("error %q does not name the receiver %s", msg, name)
			}
			if strings.Contains(msg, strings.Repeat("x", 201)) {
				t.Errorf("error quotes more than 200 bytes of the body: %q", msg)
			}
			NoSecrets(t, msg, secrets...)
		})
	}
}

// NoSecrets fails the test when s contains one of secrets.
func NoSecrets(t testing.TB, s string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if secret != "" && strings.Contains(s, secret) {
			t.Errorf("%q leaks the secret %q", s, secret)
		}
	}
}

// closedServerURL returns the URL of a server that is no longer listening.
func closedServerURL(t *testing.T) string {
	srv := NewServer(t, nil)
	url := srv.URL
	srv.close()
	return url
}
