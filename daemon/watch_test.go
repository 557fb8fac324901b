package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runWatched starts a daemon on the config at path, with file watching,
// and returns it with its log.
func runWatched(t *testing.T, path string) (*Daemon, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Options{ConfigPath: path, Unscheduled: true, Listener: ln, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	time.Sleep(200 * time.Millisecond) // the watcher starts with Run
	return d, logs
}

func reloads(logs *lockedBuffer) int {
	return strings.Count(logs.String(), "reloaded config and specs") + strings.Count(logs.String(), "reload failed")
}

func sloIDs(d *Daemon) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var ids []string
	for _, s := range d.slos {
		ids = append(ids, s.ID)
	}
	return strings.Join(ids, ",")
}

// configMapVolume lays out dir as Kubernetes mounts a ConfigMap: each file
// is a symlink into ..data, itself a symlink to a timestamped directory.
// Calling it again swaps ..data to a new directory, atomically.
func configMapVolume(t *testing.T, dir, version string, files map[string]string) {
	t.Helper()
	ts := filepath.Join(dir, "..2026_11_29_"+version)
	if err := os.Mkdir(ts, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		writeTestFile(t, filepath.Join(ts, name), text)
		link := filepath.Join(dir, name)
		if _, err := os.Lstat(link); os.IsNotExist(err) {
			if err := os.Symlink(filepath.Join("..data", name), link); err != nil {
				t.Fatal(err)
			}
		}
	}
	old, _ := os.Readlink(filepath.Join(dir, "..data"))
	if err := os.Symlink(filepath.Base(ts), filepath.Join(dir, "..data_tmp")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	if old != "" {
		if err := os.RemoveAll(filepath.Join(dir, old)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAConfigMapSwapIsPickedUp(t *testing.T) {
	dir := t.TempDir()
	config := fmt.Sprintf("prometheus: {url: http://127.0.0.1:9}\nspecs: [checkout.yaml]\nlisten_address: 127.0.0.1:0\ndata_dir: %s\n", t.TempDir())
	configMapVolume(t, dir, "a", map[string]string{"burnwatch.yaml": config, "checkout.yaml": fmt.Sprintf(settingsSpec, "first")})
	d, logs := runWatched(t, filepath.Join(dir, "burnwatch.yaml"))

	configMapVolume(t, dir, "b", map[string]string{"burnwatch.yaml": config, "checkout.yaml": fmt.Sprintf(settingsSpec, "second")})
	deadline := time.Now().Add(10 * time.Second)
	for sloIDs(d) != "checkout/second" {
		if time.Now().After(deadline) {
			t.Fatalf("the swapped ConfigMap was not picked up within 10s; SLOs %s, %d reloads", sloIDs(d), reloads(logs))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestWritesBesideTheConfigDoNotReload(t *testing.T) {
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, "specs", "checkout.yaml"), fmt.Sprintf(settingsSpec, "latency"))
	writeTestFile(t, filepath.Join(dir, "burnwatch.yaml"), "prometheus: {url: http://127.0.0.1:9}\nspecs: [specs]\nlisten_address: 127.0.0.1:0\n")
	_, logs := runWatched(t, filepath.Join(dir, "burnwatch.yaml"))

	// A log file beside the config and a note beside the specs, written
	// more often than the debounce, for longer than two debounces.
	logFile, err := os.Create(filepath.Join(dir, "burnwatch.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	for i := range 25 {
		fmt.Fprintf(logFile, "line %d\n", i)
		writeTestFile(t, filepath.Join(dir, "specs", "NOTES.txt"), fmt.Sprint(i))
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(debounce + 200*time.Millisecond)
	if n := reloads(logs); n != 0 {
		t.Errorf("%d reloads, want none", n)
	}

	// The spec itself still counts.
	writeTestFile(t, filepath.Join(dir, "specs", "checkout.yaml"), fmt.Sprintf(settingsSpec, "renamed"))
	deadline := time.Now().Add(10 * time.Second)
	for reloads(logs) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("a spec change was not picked up within 10s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
