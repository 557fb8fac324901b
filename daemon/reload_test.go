package daemon_test

import (
	"context"
	"io"
	"log/slog"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/daemon"
	"github.com/burnwatch/burnwatch/prom"
)

func embedded(t *testing.T) *prom.Embedded {
	t.Helper()
	e, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func metricsText(t *testing.T, d *daemon.Daemon) string {
	t.Helper()
	rec := httptest.NewRecorder()
	d.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return string(body)
}

func TestAnInvalidReloadKeepsTheLastGoodSet(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "checkout.yaml")
	write(t, spec, e2eSpec)
	write(t, filepath.Join(dir, "burnwatch.yaml"), "prometheus: {url: http://127.0.0.1:9090}\nspecs: [checkout.yaml]\nlisten_address: 127.0.0.1:0\n")
	d, err := daemon.New(daemon.Options{ConfigPath: filepath.Join(dir, "burnwatch.yaml"), Querier: embedded(t), Unscheduled: true,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	if n := len(d.Evaluate(context.Background(), at).Statuses); n != 1 {
		t.Fatalf("%d SLOs evaluated, want 1", n)
	}

	write(t, spec, strings.Replace(e2eSpec, "objective: 99.9", "objective: 199.9", 1))
	err = d.Reload()
	if err == nil || !strings.Contains(err.Error(), "checkout.yaml:9:16: objective 199.9 is not in (0, 100)") {
		t.Fatalf("reload error %v, want the spec's path:line:col", err)
	}
	if !strings.Contains(metricsText(t, d), "burnwatch_config_last_reload_successful 0") {
		t.Error("the failed reload is not visible in /metrics")
	}
	if st := d.Evaluate(context.Background(), at).Statuses; len(st) != 1 || math.Abs(st[0].SLO.Objective-0.999) > 1e-9 {
		t.Fatalf("after a failed reload the SLOs changed: %d", len(st))
	}

	write(t, spec, strings.Replace(e2eSpec, "objective: 99.9", "objective: 99.5", 1))
	if err := d.Reload(); err != nil {
		t.Fatal(err)
	}
	if st := d.Evaluate(context.Background(), at).Statuses; len(st) != 1 || math.Abs(st[0].SLO.Objective-0.995) > 1e-9 {
		t.Fatalf("a good reload was not picked up")
	}
	if !strings.Contains(metricsText(t, d), "burnwatch_config_last_reload_successful 1") {
		t.Error("the good reload is not visible in /metrics")
	}
}

func TestASpecChangeOnDiskIsPickedUp(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "specs"), 0o700); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "specs", "checkout.yaml"), e2eSpec)
	write(t, filepath.Join(dir, "burnwatch.yaml"), "prometheus: {url: http://127.0.0.1:9090}\nspecs: [specs]\nlisten_address: 127.0.0.1:0\n")
	listening := make(chan string, 1)
	d, err := daemon.New(daemon.Options{ConfigPath: filepath.Join(dir, "burnwatch.yaml"), Querier: embedded(t), Unscheduled: true,
		Listening: listening, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	<-listening
	time.Sleep(200 * time.Millisecond) // the watcher starts with Run
	write(t, filepath.Join(dir, "specs", "more.yaml"), strings.Replace(e2eSpec, "name: requests-latency", "name: second-slo", 1))
	deadline := time.Now().Add(10 * time.Second)
	for len(d.Evaluate(ctx, time.Now()).Statuses) != 2 {
		if time.Now().After(deadline) {
			t.Fatal("a new spec file was not picked up within 10s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
}
