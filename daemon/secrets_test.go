package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/internal/secret"
)

// echoServer answers every request with status and a body that echoes the
// request line and every header, as some proxies and misconfigured servers
// do, and keeps the bodies it was sent.
type echoServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newEchoServer(t *testing.T, status int) *echoServer {
	e := &echoServer{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.bodies = append(e.bodies, string(body))
		e.mu.Unlock()
		var echo strings.Builder
		fmt.Fprintf(&echo, "cannot serve %s %s;", r.Method, r.URL)
		names := make([]string, 0, len(r.Header))
		for name := range r.Header {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			fmt.Fprintf(&echo, " %s: %s;", name, strings.Join(r.Header[name], ","))
		}
		http.Error(w, echo.String(), status)
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *echoServer) received() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.bodies...)
}

// TestNoSecretLeavesThroughAnEchoingServer runs the daemon against a
// Prometheus and a webhook that echo request headers and URLs in their
// errors. No configured secret, in any form, may appear in a log line, a
// page, an API answer or a notification, while the echoes themselves do.
func TestNoSecretLeavesThroughAnEchoingServer(t *testing.T) {
	const token = "prom-token-0123456789abcdef"
	const user, password = "reader", "prom-password-0123456789"
	const hookToken = "hook-path-token-0123456789"
	cases := []struct {
		name   string
		auth   string
		leaks  []string
		setenv map[string]string
	}{
		{"a bearer token", "bearer_token: {env: BURNWATCH_TEST_PROM_TOKEN}", []string{token},
			map[string]string{"BURNWATCH_TEST_PROM_TOKEN": token}},
		{"a basic-auth password", "basic_auth: {username: " + user + ", password: {env: BURNWATCH_TEST_PROM_PASSWORD}}",
			[]string{password, secret.BasicAuth(user, password)},
			map[string]string{"BURNWATCH_TEST_PROM_PASSWORD": password}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.setenv {
				t.Setenv(k, v)
			}
			prom := newEchoServer(t, http.StatusInternalServerError)
			hook := newEchoServer(t, http.StatusBadRequest)
			t.Setenv("BURNWATCH_TEST_HOOK_URL", hook.URL+"/hooks/"+hookToken)
			leaks := append(c.leaks, hookToken)

			dir := t.TempDir()
			writeTestFile(t, filepath.Join(dir, "specs", "checkout.yaml"), fmt.Sprintf(settingsSpec, "latency"))
			writeTestFile(t, filepath.Join(dir, "burnwatch.yaml"), fmt.Sprintf(`prometheus:
  url: %s
  retries: 1
  %s
specs: [specs]
alerting: {failing_cycles: 1}
receivers:
  - name: hook
    webhook: {url: {env: BURNWATCH_TEST_HOOK_URL}}
default_receivers: [hook]
`, prom.URL, c.auth))
			var logs lockedBuffer
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			d, err := New(Options{ConfigPath: filepath.Join(dir, "burnwatch.yaml"), Unscheduled: true, Listener: ln,
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- d.Run(ctx) }()
			defer func() {
				cancel()
				<-done
			}()

			// The evaluation fails with the echo; the "evaluation failing"
			// notification goes to the echoing webhook, which refuses it.
			deadline := time.Now().Add(10 * time.Second)
			for len(hook.received()) == 0 || !strings.Contains(get(t, d, "/api/v1/alerts"), "last_error") {
				if time.Now().After(deadline) {
					t.Fatal("no delivery attempt was recorded within 10s")
				}
				d.Evaluate(ctx, time.Now())
				time.Sleep(50 * time.Millisecond)
			}
			d.Evaluate(ctx, time.Now())
			d.Reload() // a reload logs too

			texts := map[string]string{"the log": logs.String()}
			for _, path := range []string{"/", "/alerts", "/api/v1/alerts", "/api/v1/slos", "/slo/checkout/latency", "/api/v1/slos/checkout/latency", "/metrics"} {
				texts["GET "+path] = get(t, d, path)
			}
			for i, body := range hook.received() {
				texts[fmt.Sprintf("notification %d", i)] = body
			}
			for where, text := range texts {
				for _, leak := range leaks {
					if strings.Contains(text, leak) {
						t.Errorf("%s shows the secret %q", where, leak)
					}
				}
			}
			// The echoes arrived: the test saw what it guards.
			for _, where := range []string{"the log", "GET /alerts", "GET /api/v1/alerts", "GET /api/v1/slos"} {
				if !strings.Contains(texts[where], "Authorization: B") {
					t.Errorf("%s does not show the echo of the Authorization header", where)
				}
			}
		})
	}
}

func get(t *testing.T, d *Daemon, path string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	d.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

func writeTestFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
