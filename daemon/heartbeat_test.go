package daemon

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeHeartbeat poses as a dead man's switch service on 127.0.0.1: it
// counts the calls and answers with the status it is told, after a delay.
type fakeHeartbeat struct {
	*httptest.Server

	mu     sync.Mutex
	calls  int
	method string
	path   string
	status int
	delay  time.Duration
}

func newFakeHeartbeat(t *testing.T) *fakeHeartbeat {
	f := &fakeHeartbeat{status: http.StatusOK}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.calls++
		f.method, f.path = r.Method, r.URL.Path
		status, delay := f.status, f.delay
		f.mu.Unlock()
		time.Sleep(delay)
		w.WriteHeader(status)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeHeartbeat) set(status int, delay time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.delay = status, delay
}

func (f *fakeHeartbeat) seen() (calls int, method string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls, f.method
}

func (f *fakeHeartbeat) lastPath() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.path
}

// cycle runs one evaluation and waits for the heartbeat call it started.
func (h *reloadHarness) cycle() {
	h.d.Evaluate(context.Background(), time.Now())
	h.d.heartbeat.wait()
}

// withHeartbeat configures a heartbeat to the server, its URL (with a
// check token in the path) given by an environment variable.
func withHeartbeat(t *testing.T, h *reloadHarness, hb *fakeHeartbeat, extra map[string]any) {
	t.Setenv("BURNWATCH_TEST_HEARTBEAT_URL", hb.URL+"/ping/check-token-4f1e")
	cfg := map[string]any{"url": map[string]any{"env": "BURNWATCH_TEST_HEARTBEAT_URL"}}
	for k, v := range extra {
		cfg[k] = v
	}
	h.cfg["heartbeat"] = cfg
}

func TestHeartbeatFollowsSuccessfulCycles(t *testing.T) {
	tests := []struct {
		name      string
		heartbeat map[string]any
		promDown  bool
		cycles    int
		wantCalls int
		wantVerb  string
	}{
		{"a successful cycle calls the URL with GET", nil, false, 1, 1, "GET"},
		{"the method can be POST", map[string]any{"method": "POST"}, false, 1, 1, "POST"},
		{"cycles within the interval call once", map[string]any{"interval": "1h"}, false, 3, 1, "GET"},
		{"cycles further apart than the interval call each time", map[string]any{"interval": "1ms"}, false, 3, 3, "GET"},
		{"a cycle in which every query failed does not call", nil, true, 2, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newReloadHarness(t)
			hb := newFakeHeartbeat(t)
			withHeartbeat(t, h, hb, tt.heartbeat)
			h.start()
			if tt.promDown {
				h.prom.set(http.StatusServiceUnavailable, "down", 0)
			}
			for range tt.cycles {
				h.cycle()
				time.Sleep(5 * time.Millisecond)
			}
			calls, method := hb.seen()
			if calls != tt.wantCalls || method != tt.wantVerb {
				t.Errorf("%d calls, last %q; want %d, %q", calls, method, tt.wantCalls, tt.wantVerb)
			}
			if path := hb.lastPath(); calls > 0 && path != "/ping/check-token-4f1e" {
				t.Errorf("called %s, want the configured URL's path", path)
			}
		})
	}
}

func TestHeartbeatFailuresAreCountedAndLoggedWithoutTheURL(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		delay   time.Duration
		timeout string
		want    string
	}{
		{"an error status", http.StatusInternalServerError, 0, "5s", "answered 500 Internal Server Error"},
		{"a redirect, which could carry the URL elsewhere", http.StatusFound, 0, "5s", "answered 302 Found"},
		{"no answer within the timeout", http.StatusOK, 2 * time.Second, "100ms", "context deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newReloadHarness(t)
			hb := newFakeHeartbeat(t)
			hb.set(tt.status, tt.delay)
			withHeartbeat(t, h, hb, map[string]any{"timeout": tt.timeout})
			h.start()
			h.cycle()
			if !strings.Contains(h.metrics(), "burnwatch_heartbeat_failures_total 1") {
				t.Error("the failure is not counted")
			}
			logs := h.logs.String()
			if !strings.Contains(logs, "heartbeat failed") || !strings.Contains(logs, tt.want) {
				t.Errorf("no log line says the heartbeat failed with %q:\n%s", tt.want, logs)
			}
			if strings.Contains(logs, "check-token-4f1e") {
				t.Errorf("the log holds the heartbeat URL, a secret:\n%s", logs)
			}
		})
	}
}

func TestHeartbeatNeverHoldsACycleBack(t *testing.T) {
	h := newReloadHarness(t)
	hb := newFakeHeartbeat(t)
	hb.set(http.StatusOK, 2*time.Second)
	withHeartbeat(t, h, hb, map[string]any{"timeout": "5s", "interval": "1ms"})
	h.start()
	start := time.Now()
	h.d.Evaluate(context.Background(), time.Now())
	// A cycle while the call runs does not start a second one.
	h.d.Evaluate(context.Background(), time.Now())
	if took := time.Since(start); took > time.Second {
		t.Errorf("two cycles took %s while the heartbeat service took 2s to answer", took)
	}
	h.d.heartbeat.wait()
	if calls, _ := hb.seen(); calls != 1 {
		t.Errorf("%d calls, want 1: a call was still running", calls)
	}
	if !strings.Contains(h.metrics(), "burnwatch_heartbeat_failures_total 0") {
		t.Error("a slow answer within the timeout is counted as a failure")
	}
}

func TestHeartbeatConfigProblems(t *testing.T) {
	t.Setenv("BURNWATCH_TEST_HEARTBEAT_URL", "ftp://127.0.0.1/check-token-4f1e")
	tests := []struct {
		name, heartbeat, want string
	}{
		{"a URL that is not http", "{url: {env: BURNWATCH_TEST_HEARTBEAT_URL}}", "heartbeat.url: is not an absolute http or https URL"},
		{"settings without a URL", "{interval: 1m}", "heartbeat.url: the heartbeat has settings but no url"},
		{"a method other than GET or POST", "{url: {env: BURNWATCH_TEST_HOOK_URL}, method: PUT}", `heartbeat.method: "PUT" is neither GET nor POST`},
	}
	t.Setenv("BURNWATCH_TEST_HOOK_URL", "http://127.0.0.1:1/hook")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("burnwatch.yaml", []byte("prometheus: {url: http://127.0.0.1:9090}\nspecs: [specs]\nheartbeat: "+tt.heartbeat+"\n"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one with %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "check-token-4f1e") {
				t.Errorf("the error repeats the secret URL: %v", err)
			}
		})
	}
}
