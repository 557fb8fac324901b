package daemon_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/internal/promtest"
)

// hangingSink is a webhook receiver that, while hanging, takes requests and
// never answers them: a delivery is in flight when the daemon is killed.
type hangingSink struct {
	mu       sync.Mutex
	hanging  bool
	received []string // incident key and notification id of every request
	answered []string // the same for requests answered 204
	release  chan struct{}
}

func (s *hangingSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Notification struct {
			ID          string `json:"id"`
			IncidentKey string `json:"incident_key"`
			Status      string `json:"status"`
		} `json:"notification"`
	}
	data, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(data, &body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	n := body.Notification
	line := n.Status + " " + n.IncidentKey + " " + n.ID
	s.mu.Lock()
	s.received = append(s.received, line)
	hang := s.hanging
	s.mu.Unlock()
	if hang {
		select {
		case <-s.release:
		case <-r.Context().Done():
		}
		return // the client is gone: no answer
	}
	s.mu.Lock()
	s.answered = append(s.answered, line)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *hangingSink) snapshot() (received, answered []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.received...), append([]string(nil), s.answered...)
}

// burningHistory renders two hours of the checkout histogram in which the
// last half hour is 40% slow, ending at end.
func burningHistory(t *testing.T, end time.Time) string {
	var w promtest.OpenMetricsWriter
	var pts []promtest.HistogramPoint
	var fast, all float64
	for ts := end.Add(-2 * time.Hour); !ts.After(end); ts = ts.Add(15 * time.Second) {
		slow := 0.0
		if end.Sub(ts) < 30*time.Minute {
			slow = 0.4
		}
		all += 100
		fast += 100 * (1 - slow)
		pts = append(pts, promtest.HistogramPoint{T: ts, Buckets: []float64{math.Round(fast), math.Round(fast)}, Count: all, Sum: all * 0.5})
	}
	w.WriteHistogram("traces_span_metrics_duration_milliseconds", map[string]string{"service_name": "checkout", "span_name": "POST /checkout"}, []float64{500, 2000}, pts)
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "burnwatch")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/burnwatch/burnwatch/cmd/burnwatch")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build burnwatch: %v\n%s", err, out)
	}
	return bin
}

// TestKillDashNineMidDeliveryLosesNothingAndPagesOnce kills the daemon while
// a page is on the wire, restarts it, and checks that the page is delivered
// after the restart as the same notification of the same incident, and
// answered once.
func TestKillDashNineMidDeliveryLosesNothingAndPagesOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	end := time.Now().Add(-30 * time.Second)
	prom := promtest.Start(t, promtest.Options{Backfill: burningHistory(t, end)})
	hook := &hangingSink{hanging: true, release: make(chan struct{})}
	srv := httptest.NewServer(hook)
	defer srv.Close()

	dir := t.TempDir()
	write(t, filepath.Join(dir, "checkout.yaml"), e2eSpec)
	write(t, filepath.Join(dir, "burnwatch.yaml"), fmt.Sprintf(`prometheus: {url: %s}
specs: [checkout.yaml]
evaluation_interval: 1s
listen_address: 127.0.0.1:0
receivers:
  - name: hook
    webhook: {url: {env: BURNWATCH_CRASH_HOOK}}
default_receivers: [hook]
`, prom.URL))
	bin := buildBinary(t)
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "run", "--config", filepath.Join(dir, "burnwatch.yaml"), "--log-level", "warn")
		cmd.Env = append(os.Environ(), "BURNWATCH_CRASH_HOOK="+srv.URL)
		cmd.Stderr = &testWriter{t}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}

	first := start()
	waitUntil(t, 30*time.Second, func() bool { r, _ := hook.snapshot(); return len(r) > 0 })
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	received, answered := hook.snapshot()
	if len(answered) != 0 {
		t.Fatalf("answered before the kill: %v", answered)
	}
	inFlight := received[0]

	hook.mu.Lock()
	hook.hanging = false
	hook.mu.Unlock()
	close(hook.release)
	second := start()
	defer func() { second.Process.Signal(syscall.SIGTERM); second.Wait() }()
	waitUntil(t, 30*time.Second, func() bool { _, a := hook.snapshot(); return len(a) > 0 })
	time.Sleep(3 * time.Second) // room for a duplicate to show up
	received, answered = hook.snapshot()
	if len(answered) != 1 || answered[0] != inFlight {
		t.Errorf("answered %q, want exactly the notification that was in flight at the kill: %q", answered, inFlight)
	}
	for _, r := range received {
		if r != inFlight {
			t.Errorf("a second notification arrived after the restart: %q (in flight was %q)", r, inFlight)
		}
	}
}

type testWriter struct{ t *testing.T }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

func waitUntil(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
