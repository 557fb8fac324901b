// Package helmtest tests the Helm chart in deploy/helm/burnwatch: it lints
// and renders the chart with a pinned helm built from the Go module proxy,
// checks the rendered objects, and validates the burnwatch.yaml rendered
// into the ConfigMap as the daemon would load it.
package helmtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// helmVersion is the helm the chart is tested with.
const helmVersion = "v3.21.4"

// chartDir is the chart under test.
var chartDir = filepath.Join("..", "helm", "burnwatch")

var (
	helmBin string
	helmErr error
	// helmHome holds helm's cache, config and data directories for the run.
	helmHome string
)

// TestMain builds helm before the tests run, outside the tests' timeout:
// a cold build takes minutes. `go test -run '^$' ./deploy/helmtest` builds
// it alone.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "burnwatch-helm-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	helmHome = dir
	helmBin, helmErr = buildHelm()
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// helm returns the pinned helm binary, built into the user's cache
// directory (a second run reuses it). When it could not be built the test
// is skipped, or fails with BURNWATCH_REQUIRE_HELM=1.
func helm(t *testing.T) string {
	t.Helper()
	if helmErr != nil {
		if os.Getenv("BURNWATCH_REQUIRE_HELM") == "1" {
			t.Fatalf("helm %s: %v", helmVersion, helmErr)
		}
		t.Skipf("helm %s could not be built from the Go module proxy (set BURNWATCH_REQUIRE_HELM=1 to fail instead): %v", helmVersion, helmErr)
	}
	return helmBin
}

func buildHelm() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "burnwatch", "helm-"+helmVersion)
	bin := filepath.Join(dir, "helm")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("cache directory for helm: %w", err)
	}
	start := time.Now()
	cmd := exec.Command("go", "install", "helm.sh/helm/v3/cmd/helm@"+helmVersion)
	cmd.Dir = dir // outside any module: the build does not touch go.mod
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=", "GOWORK=off", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install helm.sh/helm/v3/cmd/helm@%s: %w\n%s", helmVersion, err, lastLines(out, 20))
	}
	fmt.Fprintf(os.Stderr, "built helm %s in %s\n", helmVersion, time.Since(start).Round(time.Second))
	return bin, nil
}

func lastLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// runHelm runs helm with args and returns its standard output, or an error
// with its standard error.
func runHelm(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(helm(t), args...)
	cmd.Env = append(os.Environ(),
		"HELM_CACHE_HOME="+filepath.Join(helmHome, "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(helmHome, "config"),
		"HELM_DATA_HOME="+filepath.Join(helmHome, "data"),
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("helm %s: %w\n%s%s", strings.Join(args, " "), err, stderr.String(), stdout.String())
	}
	return stdout.String(), nil
}

// object is one rendered Kubernetes object, kept both as raw YAML (to
// decode into a typed view) and by kind and name.
type object struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	raw []byte
}

// decode decodes the whole object into v.
func (o object) decode(t *testing.T, v any) {
	t.Helper()
	if err := yaml.Unmarshal(o.raw, v); err != nil {
		t.Fatalf("%s %s: %v", o.Kind, o.Metadata.Name, err)
	}
}

// render runs `helm template` on the chart with args and parses every
// document it prints.
func render(t *testing.T, args ...string) ([]object, error) {
	t.Helper()
	out, err := runHelm(t, append([]string{"template", "burnwatch", chartDir, "--namespace", "observability"}, args...)...)
	if err != nil {
		return nil, err
	}
	var objects []object
	dec := yaml.NewDecoder(strings.NewReader(out))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return objects, nil
		}
		if err != nil {
			t.Fatalf("helm template printed YAML that does not parse: %v\n%s", err, out)
		}
		if len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
			continue // an empty document
		}
		raw, err := yaml.Marshal(&n)
		if err != nil {
			t.Fatal(err)
		}
		var o object
		if err := yaml.Unmarshal(raw, &o); err != nil {
			t.Fatal(err)
		}
		o.raw = raw
		objects = append(objects, o)
	}
}

// mustRender is render that fails the test on an error.
func mustRender(t *testing.T, args ...string) []object {
	t.Helper()
	objects, err := render(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	return objects
}

// find returns the only object of kind, failing the test unless there is
// exactly one.
func find(t *testing.T, objects []object, kind string) object {
	t.Helper()
	var found []object
	for _, o := range objects {
		if o.Kind == kind {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d objects of kind %s rendered, want 1", len(found), kind)
	}
	return found[0]
}

func kinds(objects []object) []string {
	var out []string
	for _, o := range objects {
		out = append(out, o.Kind)
	}
	return out
}
