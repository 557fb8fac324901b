package collector_test

import (
	"bytes"
	"fmt"
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
)

// collectorOptions is what differs between the Collector setups a test runs.
type collectorOptions struct {
	// FlushInterval is the spanmetrics connector's metrics_flush_interval.
	FlushInterval time.Duration
	// Unit is the duration histogram's unit, "ms" or "s".
	Unit string
	// FeatureGates are passed to --feature-gates.
	FeatureGates []string
}

// collectorConfig is the Collector configuration of the real stack:
// docs/getting-started.md shows the same one. Ports and the flush interval
// are filled in per run.
const collectorConfig = `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%[1]d

connectors:
  spanmetrics:
    histogram:
      unit: %[3]s
      explicit:
        # The defaults, which contain 2s: every latency threshold of an SLO
        # must be one of these boundaries.
        buckets: [2ms, 4ms, 6ms, 8ms, 10ms, 50ms, 100ms, 200ms, 400ms, 800ms, 1s, 1400ms, 2s, 5s, 10s, 15s]
    exemplars:
      enabled: true
    metrics_flush_interval: %[4]s

exporters:
  prometheus:
    endpoint: 127.0.0.1:%[2]d
    enable_open_metrics: true

service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [spanmetrics]
    metrics:
      receivers: [spanmetrics]
      exporters: [prometheus]
  telemetry:
    logs:
      level: warn
    metrics:
      level: none
`

// collector is a running OpenTelemetry Collector, stopped when its test ends.
type collector struct {
	// OTLP is the host:port of its OTLP gRPC receiver.
	OTLP string
	// Metrics is the host:port of its Prometheus exporter.
	Metrics string
	// Config is the configuration it runs.
	Config string
}

// startCollector runs the Collector built by TestMain and waits until both
// its receiver and its exporter listen.
func startCollector(t *testing.T, opts collectorOptions) *collector {
	t.Helper()
	otlpPort, metricsPort := freePort(t), freePort(t)
	c := &collector{
		OTLP:    net.JoinHostPort("127.0.0.1", strconv.Itoa(otlpPort)),
		Metrics: net.JoinHostPort("127.0.0.1", strconv.Itoa(metricsPort)),
		Config:  fmt.Sprintf(collectorConfig, otlpPort, metricsPort, opts.Unit, opts.FlushInterval),
	}
	path := filepath.Join(t.TempDir(), "otelcol.yaml")
	if err := os.WriteFile(path, []byte(c.Config), 0o600); err != nil {
		t.Fatalf("write the collector config: %v", err)
	}
	args := []string{"--config=" + path}
	if len(opts.FeatureGates) > 0 {
		args = append(args, "--feature-gates="+strings.Join(opts.FeatureGates, ","))
	}
	cmd := exec.Command(collectorBin, args...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the collector: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("collector output:\n%s", out.String())
		}
	})

	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + c.Metrics + "/metrics")
		if err == nil {
			resp.Body.Close()
			if conn, err := net.Dial("tcp", c.OTLP); err == nil {
				conn.Close()
				return c
			}
		}
		select {
		case <-exited:
			t.Fatalf("the collector exited before it listened: %s\n%s", cmd.ProcessState, out.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the collector does not listen on %s and %s after 30s:\n%s", c.OTLP, c.Metrics, out.String())
		}
	}
}

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// lockedBuffer collects a process's output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
