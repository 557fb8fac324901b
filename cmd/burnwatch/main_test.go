package main

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestBuildStampsVersionAndCommit builds the binary as `make build` does and
// checks that the stamped version and commit reach `burnwatch version`.
func TestBuildStampsVersionAndCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "burnwatch")
	const pkg = "github.com/burnwatch/burnwatch/internal/version"
	build := exec.Command("go", "build",
		"-ldflags", "-s -w -X "+pkg+".Version=v9.8.7-test -X "+pkg+".Commit=feedc0ffee12",
		"-o", bin, ".")
	build.Env = append(build.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	want := "burnwatch v9.8.7-test (commit feedc0ffee12, " + runtime.Version() + ")"
	for _, arg := range []string{"version", "--version"} {
		out, err := exec.Command(bin, arg).CombinedOutput()
		if err != nil {
			t.Fatalf("burnwatch %s: %v\n%s", arg, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != want {
			t.Errorf("burnwatch %s = %q, want %q", arg, got, want)
		}
	}
}
