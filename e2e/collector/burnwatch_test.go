package collector_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/daemon"
)

// notification is the part of a webhook body the test reads.
type notification struct {
	Kind     string `json:"kind"`
	Status   string `json:"status"`
	Severity string `json:"severity"`
	SLO      struct {
		Name string `json:"name"`
	} `json:"slo"`
	Traces     []traceLink `json:"traces"`
	TracesNote string      `json:"traces_note"`
	// Received is when the webhook got it.
	Received time.Time `json:"-"`
}

// traceLink is one trace of a notification or of the API.
type traceLink struct {
	TraceID string   `json:"trace_id"`
	URL     string   `json:"url"`
	Value   *float64 `json:"value"`
}

// webhook is a local receiver that keeps every notification it gets.
type webhook struct {
	mu  sync.Mutex
	got []notification
}

func (w *webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	var body struct {
		Notification notification `json:"notification"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	body.Notification.Received = time.Now()
	w.mu.Lock()
	w.got = append(w.got, body.Notification)
	w.mu.Unlock()
	rw.WriteHeader(http.StatusNoContent)
}

// of returns the notifications about the SLO named name, oldest first.
func (w *webhook) of(name string) []notification {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []notification
	for _, n := range w.got {
		if n.SLO.Name == name {
			out = append(out, n)
		}
	}
	return out
}

// burnwatch is a running daemon.
type burnwatch struct {
	// Addr is the host:port of its dashboard and API.
	Addr string
	hook *webhook
}

// burnwatchConfig is the daemon's configuration; the webhook's URL is read
// from a file, as a secret is.
const burnwatchConfig = `prometheus: {url: %s}
specs: [specs.yaml]
evaluation_interval: %s
listen_address: 127.0.0.1:0
receivers:
  - name: hook
    webhook: {url: {file: %s}}
default_receivers: [hook]
`

// startBurnwatch runs the daemon on spec against the Prometheus at promURL,
// with a webhook receiver on 127.0.0.1. It stops when t ends.
func startBurnwatch(t *testing.T, promURL, spec string, every time.Duration) *burnwatch {
	t.Helper()
	hook := &webhook{}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
	}
	write("specs.yaml", spec)
	write("burnwatch.yaml", fmt.Sprintf(burnwatchConfig, promURL, every, filepath.Join(dir, "hook-url")))
	write("hook-url", srv.URL+"/hook")

	listening := make(chan string, 1)
	d, err := daemon.New(daemon.Options{
		ConfigPath: filepath.Join(dir, "burnwatch.yaml"),
		Listening:  listening,
		Logger:     slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo})),
	})
	if err != nil {
		t.Fatalf("daemon: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon Run: %v", err)
		}
	})
	select {
	case addr := <-listening:
		return &burnwatch{Addr: addr, hook: hook}
	case err := <-done:
		t.Fatalf("daemon stopped before it listened: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("daemon does not listen after 30s")
	}
	return nil
}

// apiIncident is the part of /api/v1/alerts the test reads.
type apiIncident struct {
	SLOID    string      `json:"slo_id"`
	Kind     string      `json:"kind"`
	Severity string      `json:"severity"`
	State    string      `json:"state"`
	Traces   []traceLink `json:"traces"`
}

// incidents reads the open incidents from the daemon's API.
func (b *burnwatch) incidents(t *testing.T) []apiIncident {
	t.Helper()
	resp, err := http.Get("http://" + b.Addr + "/api/v1/alerts")
	if err != nil {
		t.Fatalf("GET /api/v1/alerts: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/alerts: %d %s %v", resp.StatusCode, body, err)
	}
	var report struct {
		Incidents []apiIncident `json:"incidents"`
	}
	if err := json.Unmarshal(body, &report); err != nil {
		t.Fatalf("GET /api/v1/alerts: %v in %s", err, body)
	}
	return report.Incidents
}
