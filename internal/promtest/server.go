package promtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/prom"
)

// RequireEnv is the environment variable that, set to "1", turns a missing
// prometheus or promtool binary into a test failure instead of a skip. CI
// sets it so that integration tests cannot silently stop running.
const RequireEnv = "BURNWATCH_REQUIRE_PROMETHEUS"

// Options configures the Prometheus that Start runs. The zero value is a
// Prometheus with no targets, no rules and no history.
type Options struct {
	// ScrapeConfigs are the targets to scrape, on 127.0.0.1. Prometheus 2.42
	// starts its scrape loops about 5s after it is ready (the scrape
	// manager's fixed reload period), so the first samples arrive then:
	// wait for them with WaitFor.
	ScrapeConfigs []ScrapeConfig
	// ScrapeInterval is the default scrape interval. Default 1s.
	ScrapeInterval time.Duration
	// RuleFiles are the contents of rule files to load.
	RuleFiles []string
	// EvaluationInterval is how often rules are evaluated. Default 1s.
	EvaluationInterval time.Duration
	// Backfill is OpenMetrics text, ending with "# EOF", turned into blocks
	// before Prometheus starts so that the history is there from the first
	// query. Timestamps are in seconds; every sample must be older than
	// the start, or scrapes of the same series will be refused as out of
	// bounds. OpenMetricsWriter renders such text.
	Backfill string
	// WriteBlocks, when set, writes TSDB blocks into the data directory
	// before Prometheus starts (with tsdb.NewBlockWriter, much faster than
	// promtool for a large history).
	WriteBlocks func(dataDir string) error
	// Retention is how long Prometheus keeps data, counted back from the
	// newest sample. Default 400 days, so that old backfills survive.
	Retention time.Duration
	// ExtraFlags are added to the command line.
	ExtraFlags []string
}

// ScrapeConfig is one scrape job.
type ScrapeConfig struct {
	// JobName defaults to job0, job1, ...
	JobName string
	// Targets are host:port addresses, e.g. an httptest.Server's Listener.Addr().
	Targets []string
	// Interval overrides Options.ScrapeInterval for this job.
	Interval time.Duration
	// MetricsPath defaults to /metrics.
	MetricsPath string
}

// Server is a running Prometheus, stopped when its test ends.
type Server struct {
	// URL is the address of its HTTP API, http://127.0.0.1:PORT.
	URL string
	// DataDir is its storage directory.
	DataDir string

	querier *prom.HTTP
	cmd     *exec.Cmd
	exited  chan struct{}
	output  *LockedBuffer
}

// startAttempts is how many free ports Start tries, in case another process
// takes the port between picking it and Prometheus binding it.
const startAttempts = 3

// readyTimeout bounds the wait for /-/ready.
const readyTimeout = 30 * time.Second

// Start runs Prometheus for the test t and waits until it is ready. It
// skips t when the prometheus binary (or promtool, for a backfill) is not
// on PATH, unless BURNWATCH_REQUIRE_PROMETHEUS=1. Prometheus is stopped
// when t ends; its output goes to the test log if t failed.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	bin := lookPath(t, "prometheus")
	if opts.ScrapeInterval == 0 {
		opts.ScrapeInterval = time.Second
	}
	if opts.EvaluationInterval == 0 {
		opts.EvaluationInterval = time.Second
	}
	if opts.Retention == 0 {
		opts.Retention = 400 * 24 * time.Hour
	}

	work := t.TempDir()
	dataDir := filepath.Join(work, "data")
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		t.Fatalf("promtest: %v", err)
	}
	configFile, err := writeConfig(work, opts)
	if err != nil {
		t.Fatalf("promtest: %v", err)
	}
	if opts.Backfill != "" {
		promtool := lookPath(t, "promtool")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := createBlocks(ctx, promtool, work, dataDir, opts.Backfill); err != nil {
			t.Fatalf("promtest: %v", err)
		}
	}
	if opts.WriteBlocks != nil {
		if err := opts.WriteBlocks(dataDir); err != nil {
			t.Fatalf("promtest: write blocks: %v", err)
		}
	}

	for attempt := 1; ; attempt++ {
		s, err := start(t, bin, configFile, dataDir, opts)
		if err == nil {
			return s
		}
		if attempt == startAttempts || !strings.Contains(s.output.String(), "address already in use") {
			t.Fatalf("promtest: %v\nprometheus output:\n%s", err, s.output.String())
		}
	}
}

// lookPath finds a binary on PATH, or skips (or fails) the test.
func lookPath(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("promtest: %s is not on PATH and %s=1: %v", name, RequireEnv, err)
	}
	t.Skipf("promtest: %s is not on PATH (apt-get install prometheus); set %s=1 to fail instead of skipping", name, RequireEnv)
	return ""
}

// start runs one Prometheus on a free port and waits until it is ready. On
// error the process is gone and s.output holds what it printed.
func start(t testing.TB, bin, configFile, dataDir string, opts Options) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return &Server{output: &LockedBuffer{}}, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	args := append([]string{
		"--config.file=" + configFile,
		"--storage.tsdb.path=" + dataDir,
		"--web.listen-address=" + addr,
		"--enable-feature=exemplar-storage",
		"--storage.tsdb.retention.time=" + duration(opts.Retention),
		"--web.enable-lifecycle",
		"--log.level=warn",
	}, opts.ExtraFlags...)
	s := &Server{
		URL:     "http://" + addr,
		DataDir: dataDir,
		cmd:     exec.Command(bin, args...),
		exited:  make(chan struct{}),
		output:  &LockedBuffer{},
	}
	s.cmd.Stdout, s.cmd.Stderr = s.output, s.output
	if err := s.cmd.Start(); err != nil {
		return s, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(); err != nil {
		s.stop()
		return s, err
	}
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("prometheus output:\n%s", s.output.String())
		}
	})
	s.querier, err = prom.NewHTTP(prom.HTTPOptions{
		URL:     s.URL,
		Timeout: 10 * time.Second,
		Retries: -1,
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return s, err
	}
	return s, nil
}

// waitReady polls /-/ready until Prometheus answers 200, exits, or
// readyTimeout passes.
func (s *Server) waitReady() error {
	deadline := time.Now().Add(readyTimeout)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(s.URL + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("prometheus exited before it was ready: %s", s.cmd.ProcessState)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("prometheus at %s not ready after %s", s.URL, readyTimeout)
		}
	}
}

// stop sends SIGTERM, and kills the process if it has not exited after
// ten seconds.
func (s *Server) stop() {
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// Querier returns a prom.HTTP querier for this Prometheus, without retries.
func (s *Server) Querier() *prom.HTTP {
	return s.querier
}

// Query evaluates expr at the given time and fails t on error.
func (s *Server) Query(t testing.TB, expr string, at time.Time) model.Vector {
	t.Helper()
	vec, err := s.querier.Query(context.Background(), expr, at)
	if err != nil {
		t.Fatalf("promtest: %v", err)
	}
	return vec
}

// WaitFor evaluates expr now, again and again, until the answer is not
// empty, and returns it; it fails t after timeout. Use it to wait for the
// first scrapes or rule evaluations.
func (s *Server) WaitFor(t testing.TB, expr string, timeout time.Duration) model.Vector {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		vec, err := s.querier.Query(context.Background(), expr, time.Now())
		if err != nil {
			t.Fatalf("promtest: %v", err)
		}
		if len(vec) > 0 {
			return vec
		}
		if time.Now().After(deadline) {
			t.Fatalf("promtest: query %q still empty after %s", expr, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("find a free port: listener has no TCP address")
	}
	return addr.Port, nil
}

// LockedBuffer collects a process's output (or a logger's) while tests
// read it.
type LockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
