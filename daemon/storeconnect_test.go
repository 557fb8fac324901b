package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/internal/pgtest"
)

func TestADaemonStartsWhilePostgreSQLIsDownAndLeadsOnceItIsUp(t *testing.T) {
	pg := pgtest.Prepare(t) // its port is free: nothing listens there yet
	h := newReloadHarness(t)
	const password = "pw-not-for-logs-7"
	t.Setenv("BURNWATCH_TEST_STORE_DSN", fmt.Sprintf("postgres://postgres:%s@127.0.0.1:%d/postgres?sslmode=disable", password, pg.Port))
	h.cfg["store"] = map[string]any{"postgres": map[string]any{"dsn": map[string]any{"env": "BURNWATCH_TEST_STORE_DSN"}, "lease": "1s"}}
	h.cfg["evaluation_interval"] = "1s"
	h.writeConfig()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Options{ConfigPath: filepath.Join(h.dir, "burnwatch.yaml"), Listener: ln,
		Logger: slog.New(slog.NewJSONHandler(&h.logs, nil))})
	if err != nil {
		ln.Close()
		t.Fatalf("New while PostgreSQL is down: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	leader := func() bool {
		code, body := get("/api/v1/status")
		var st Status
		return code == http.StatusOK && json.Unmarshal([]byte(body), &st) == nil && st.Leader && st.LeaseHolder == st.Replica
	}

	// Down: up, serving, not ready, not leading, and saying why.
	waitFor(t, 10*time.Second, func() bool {
		return strings.Count(h.logs.String(), "cannot reach the alert store") >= 2
	})
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz while PostgreSQL is down: %d, want 200", code)
	}
	if code, _ := get("/"); code != http.StatusOK {
		t.Errorf("the dashboard while PostgreSQL is down: %d, want 200", code)
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, "\nburnwatch_leader 0\n") {
		t.Errorf("/metrics while PostgreSQL is down: %d, want 200 with burnwatch_leader 0", code)
	}
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, fmt.Sprintf("127.0.0.1:%d", pg.Port)) {
		t.Errorf("/readyz while PostgreSQL is down: %d %q, want 503 naming the store's address", code, body)
	}
	if leader() {
		t.Error("the daemon leads while PostgreSQL is down")
	}
	logs := h.logs.String()
	if !strings.Contains(logs, fmt.Sprintf(`"address":"127.0.0.1:%d/postgres"`, pg.Port)) {
		t.Errorf("no failure log names the store's address:\n%s", logs)
	}
	if strings.Contains(logs, password) {
		t.Error("the logs hold the DSN's password")
	}

	// Up: ready and leading.
	pg.Run(t)
	waitFor(t, 30*time.Second, func() bool { code, _ := get("/readyz"); return code == http.StatusOK })
	waitFor(t, 10*time.Second, leader)
	if strings.Contains(h.logs.String(), password) {
		t.Error("the logs hold the DSN's password")
	}
}

// waitFor waits until cond holds, and fails t if it does not within d.
func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s", d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestAReloadOnPostgreSQLNeedsNoDatabaseAndTheLeaderAdoptsItsPolicy(t *testing.T) {
	pg := pgtest.Prepare(t)
	h := newReloadHarness(t)
	t.Setenv("BURNWATCH_TEST_STORE_DSN", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.Port))
	h.cfg["store"] = map[string]any{"postgres": map[string]any{"dsn": map[string]any{"env": "BURNWATCH_TEST_STORE_DSN"}, "lease": "1s"}}
	h.start()
	h.set("alerting.repeat_interval", "2h")
	h.writeConfig()
	if err := h.d.Reload(); err != nil {
		t.Fatalf("a reload that changes the alerting policy while PostgreSQL is down: %v", err)
	}

	pg.Run(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.d.runLeadership(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, 10*time.Second, h.d.leading.Load)
	h.d.Evaluate(context.Background(), time.Now())
	before := h.d.manager
	if before == nil {
		t.Fatal("no alert manager after a cycle as leader")
	}
	h.set("alerting.repeat_interval", "3h")
	h.writeConfig()
	if err := h.d.Reload(); err != nil {
		t.Fatalf("a reload that changes the alerting policy on the leader: %v", err)
	}
	h.d.Evaluate(context.Background(), time.Now())
	if h.d.manager == before {
		t.Error("the leader kept the alert manager built with the old policy")
	}
}
