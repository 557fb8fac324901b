package collector_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// EnableEnv is the environment variable that, set to "1", runs the
// end-to-end tests; without it they skip, since the first build of the
// Collector takes minutes.
const EnableEnv = "BURNWATCH_E2E"

// collectorBin is the Collector built by TestMain, empty when the tests skip.
var collectorBin string

// TestMain builds the Collector of otelcol/ once for the whole run.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv(EnableEnv) != "1" {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "burnwatch-e2e-otelcol-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: temp dir for the collector: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	collectorBin = filepath.Join(dir, "otelcol")
	start := time.Now()
	build := exec.Command("go", "build", "-o", collectorBin, ".")
	build.Dir = "otelcol"
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: build the collector in otelcol/: %v\n", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "e2e: collector built in %s\n", time.Since(start).Round(time.Second))
	return m.Run()
}

// requireE2E skips t unless the end-to-end tests are enabled.
func requireE2E(t *testing.T) {
	t.Helper()
	if collectorBin == "" {
		t.Skipf("end-to-end test against a real OpenTelemetry Collector: set %s=1 (make e2e) to run it; "+
			"it builds the Collector (minutes on a cold build cache) and needs prometheus on PATH", EnableEnv)
	}
}
