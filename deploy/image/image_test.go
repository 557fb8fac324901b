// Package image tests the container image that `make image` builds with
// deploy/image/build.sh: what it holds, and that it runs with a read-only
// root filesystem and answers /healthz.
//
// The test needs buildah and podman (scripts/install-test-deps.sh installs
// them). Without them it skips, saying so, unless BURNWATCH_REQUIRE_IMAGE is
// set (CI sets it). A host that cannot run containers (no namespaces,
// cgroups or limits for them) still builds and inspects the image and skips
// only the run, printing the runtime's own error, whatever the variable says.
package image

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The image's contract: what a cluster relies on.
const (
	wantUser    = "65532:65532"
	wantVolume  = "/var/lib/burnwatch"
	wantPort    = "8080/tcp"
	wantVersion = "v0.0.0-imagetest"
)

var (
	wantEntrypoint = []string{"/usr/local/bin/burnwatch"}
	wantCmd        = []string{"run", "--config", "/etc/burnwatch/burnwatch.yaml"}
)

func TestImageBuildsAndServesHealthz(t *testing.T) {
	builder := tool("buildah", "podman")
	if builder == "" {
		skipOrFail(t, "neither buildah nor podman is installed (apt-get install buildah podman, or scripts/install-test-deps.sh)")
	}
	podman := tool("podman")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	bin := filepath.Join(dir, "burnwatch")
	const pkg = "github.com/burnwatch/burnwatch/internal/version"
	build := exec.CommandContext(ctx, "go", "build", "-ldflags", "-s -w -X "+pkg+".Version="+wantVersion+" -X "+pkg+".Commit=imagetest",
		"-o", bin, "github.com/burnwatch/burnwatch/cmd/burnwatch")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	mustRun(t, build)

	tag := fmt.Sprintf("localhost/burnwatch-imagetest:%d", time.Now().UnixNano())
	mustRun(t, exec.CommandContext(ctx, "./build.sh", bin, tag, wantVersion, "imagetest"))
	t.Cleanup(func() {
		remover := "buildah"
		if podman != "" {
			remover = "podman"
		}
		if out, err := exec.Command(remover, "rmi", "--force", tag).CombinedOutput(); err != nil {
			t.Logf("remove image %s: %v\n%s", tag, err, out)
		}
	})

	img := export(ctx, t, podman != "", tag, filepath.Join(dir, "oci"))
	checkConfig(t, img.config)
	checkFiles(t, img.files)

	if podman == "" {
		skipOrFail(t, "the image is built and inspected; running it needs podman, which is not installed")
	}
	runAndProbe(ctx, t, tag, dir)
}

// runAndProbe runs the image as a cluster would (read-only root, config
// and specs mounted read-only, the port mapped to 127.0.0.1) and expects
// 200 from /healthz.
func runAndProbe(ctx context.Context, t *testing.T, tag, dir string) {
	t.Helper()
	specs := filepath.Join(dir, "specs")
	if err := os.MkdirAll(specs, 0o755); err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile("../../specs/checkout.yaml")
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "burnwatch.yaml")
	// No listen_address and no data_dir: the image's defaults apply. The
	// Prometheus is the container's own loopback, where nothing listens:
	// /healthz does not depend on it.
	for path, data := range map[string][]byte{
		filepath.Join(specs, "checkout.yaml"): spec,
		config:                                []byte("prometheus: {url: \"http://127.0.0.1:9\"}\nspecs: [specs]\n"),
	} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	port := freePort(t)
	name := filepath.Base(dir) + "-burnwatch"
	args := append([]string{"run", "--detach", "--name", name, "--read-only"}, sandboxFlags()...)
	args = append(args,
		"--volume", config+":/etc/burnwatch/burnwatch.yaml:ro",
		"--volume", specs+":/etc/burnwatch/specs:ro",
		"--publish", fmt.Sprintf("127.0.0.1:%d:8080", port),
		tag)
	out, err := exec.CommandContext(ctx, "podman", args...).CombinedOutput()
	t.Cleanup(func() {
		if out, err := exec.Command("podman", "rm", "--force", "--volumes", name).CombinedOutput(); err != nil {
			t.Logf("remove container %s: %v\n%s", name, err, out)
		}
	})
	if err != nil {
		if reason, ok := hostLimitation(string(out)); ok {
			// Not a fault of the image, and not one CI can fix: a skip even
			// under BURNWATCH_REQUIRE_IMAGE, with the runtime's own words.
			t.Skip("the image is built and inspected; this host cannot run containers: " + reason)
		}
		t.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, out)
	}

	url := fmt.Sprintf("http://127.0.0.1:%d/healthz", port)
	client := &http.Client{Timeout: 2 * time.Second}
	var last string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		resp, err := client.Get(url)
		if err != nil {
			last = err.Error()
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			logs, _ := exec.Command("podman", "logs", name).CombinedOutput()
			// Go reports 0.0.0.0:8080 as [::]:8080: one dual-stack socket.
			if !strings.Contains(string(logs), "address=[::]:8080") && !strings.Contains(string(logs), "address=0.0.0.0:8080") {
				t.Errorf("the daemon did not listen on 0.0.0.0:8080 by default; its log:\n%s", logs)
			}
			checkVersion(ctx, t, tag)
			return
		}
		last = resp.Status
	}
	logs, _ := exec.Command("podman", "logs", name).CombinedOutput()
	t.Fatalf("GET %s never answered 200 (last: %s); container log:\n%s", url, last, logs)
}

// checkVersion runs `burnwatch version` in the image: the binary is the one
// stamped at build.
func checkVersion(ctx context.Context, t *testing.T, tag string) {
	t.Helper()
	args := append(append([]string{"run", "--rm", "--read-only"}, sandboxFlags()...), tag, "version")
	out, err := exec.CommandContext(ctx, "podman", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if !strings.HasPrefix(string(out), "burnwatch "+wantVersion+" (commit imagetest, go") {
		t.Errorf("burnwatch version in the image printed %q", out)
	}
}

// sandboxFlags are podman run flags that any host accepts and that let
// containers run on restricted ones: limits no higher than the host's (a
// host without CAP_SYS_RESOURCE cannot raise them to podman's defaults),
// and runc, which works on hosts with both cgroup versions mounted where
// crun refuses to start.
func sandboxFlags() []string {
	flags := []string{"--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"}
	if tool("runc") != "" {
		flags = append(flags, "--runtime", "runc")
	}
	return flags
}

// hostLimitation says whether podman's error is the host refusing
// containers (namespaces, cgroups, limits, networking) rather than a
// problem of the image, and returns that error.
func hostLimitation(out string) (string, bool) {
	for _, sign := range []string{"OCI runtime", "OCI permission denied", "cgroup", "namespace", "netavark", "newuidmap", "slirp4netns"} {
		if strings.Contains(out, sign) {
			return strings.TrimSpace(out), true
		}
	}
	return "", false
}

func checkConfig(t *testing.T, c imageConfig) {
	t.Helper()
	if c.User != wantUser {
		t.Errorf("user %q, want %q (non-root, numeric)", c.User, wantUser)
	}
	if !slices.Equal(c.Entrypoint, wantEntrypoint) || !slices.Equal(c.Cmd, wantCmd) {
		t.Errorf("entrypoint %q cmd %q, want %q %q", c.Entrypoint, c.Cmd, wantEntrypoint, wantCmd)
	}
	if _, ok := c.Volumes[wantVolume]; !ok {
		t.Errorf("volumes %v, want %s", c.Volumes, wantVolume)
	}
	if _, ok := c.ExposedPorts[wantPort]; !ok {
		t.Errorf("exposed ports %v, want %s", c.ExposedPorts, wantPort)
	}
	for _, env := range []string{"BURNWATCH_LISTEN_ADDRESS=0.0.0.0:8080", "BURNWATCH_DATA_DIR=/var/lib/burnwatch"} {
		if !slices.Contains(c.Env, env) {
			t.Errorf("env %q lacks %s", c.Env, env)
		}
	}
}

func checkFiles(t *testing.T, files map[string]file) {
	t.Helper()
	bin, ok := files["usr/local/bin/burnwatch"]
	if !ok || bin.mode&0o111 == 0 {
		t.Errorf("usr/local/bin/burnwatch missing or not executable: %+v", bin)
	}
	if certs := files["etc/ssl/certs/ca-certificates.crt"]; !strings.Contains(certs.content, "-----BEGIN CERTIFICATE-----") {
		t.Errorf("etc/ssl/certs/ca-certificates.crt holds no certificate")
	}
	if passwd := files["etc/passwd"]; !strings.Contains(passwd.content, ":x:65532:65532:") {
		t.Errorf("etc/passwd names no user 65532: %q", passwd.content)
	}
	if group := files["etc/group"]; !strings.Contains(group.content, ":x:65532:") {
		t.Errorf("etc/group names no group 65532: %q", group.content)
	}
	data, ok := files["var/lib/burnwatch"]
	if !ok || !data.dir || data.uid != 65532 || data.mode&0o700 != 0o700 {
		t.Errorf("var/lib/burnwatch is not a directory the user 65532 can write: %+v", data)
	}
}

// imageConfig is the part of an OCI image config the test checks.
type imageConfig struct {
	User         string              `json:"User"`
	Entrypoint   []string            `json:"Entrypoint"`
	Cmd          []string            `json:"Cmd"`
	Env          []string            `json:"Env"`
	Volumes      map[string]struct{} `json:"Volumes"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts"`
}

// file is an entry of the image's file system; content is kept for small
// regular files.
type file struct {
	dir     bool
	mode    int64
	uid     int
	content string
}

type exported struct {
	config imageConfig
	files  map[string]file
}

// export writes the image as an OCI layout (podman save or buildah push)
// and reads its config and the files of its layers.
func export(ctx context.Context, t *testing.T, podman bool, tag, dir string) exported {
	t.Helper()
	if podman {
		mustRun(t, exec.CommandContext(ctx, "podman", "save", "--format", "oci-dir", "--output", dir, tag))
	} else {
		mustRun(t, exec.CommandContext(ctx, "buildah", "push", tag, "oci:"+dir))
	}
	var index struct {
		Manifests []struct{ Digest string } `json:"manifests"`
	}
	readJSON(t, filepath.Join(dir, "index.json"), &index)
	if len(index.Manifests) != 1 {
		t.Fatalf("%s/index.json has %d manifests, want 1", dir, len(index.Manifests))
	}
	var manifest struct {
		Config struct{ Digest string } `json:"config"`
		Layers []struct {
			MediaType string `json:"mediaType"`
			Digest    string `json:"digest"`
		} `json:"layers"`
	}
	readJSON(t, blob(dir, index.Manifests[0].Digest), &manifest)
	var config struct {
		Config imageConfig `json:"config"`
	}
	readJSON(t, blob(dir, manifest.Config.Digest), &config)
	files := map[string]file{}
	for _, l := range manifest.Layers {
		readLayer(t, blob(dir, l.Digest), strings.HasSuffix(l.MediaType, "gzip"), files)
	}
	return exported{config: config.Config, files: files}
}

func readLayer(t *testing.T, path string, gzipped bool, files map[string]file) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if gzipped {
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("layer %s: %v", path, err)
		}
		r = gz
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("layer %s: %v", path, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(h.Name, "./"), "/")
		e := file{dir: h.Typeflag == tar.TypeDir, mode: h.Mode, uid: h.Uid}
		if h.Typeflag == tar.TypeReg && h.Size < 1<<20 {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatalf("layer %s: %s: %v", path, name, err)
			}
			e.content = string(b)
		}
		files[name] = e
	}
}

func blob(dir, digest string) string {
	algo, hex, _ := strings.Cut(digest, ":")
	return filepath.Join(dir, "blobs", algo, hex)
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// tool is the first of names on PATH, or "".
func tool(names ...string) string {
	for _, n := range names {
		if _, err := exec.LookPath(n); err == nil {
			return n
		}
	}
	return ""
}

// skipOrFail skips with the reason, or fails with it when
// BURNWATCH_REQUIRE_IMAGE is set: a tool that is missing.
func skipOrFail(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("BURNWATCH_REQUIRE_IMAGE") != "" {
		t.Fatal("BURNWATCH_REQUIRE_IMAGE is set, but " + reason)
	}
	t.Skip(reason)
}

func mustRun(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	defer func(start time.Time) { t.Logf("%s: %s", cmd.Args[:2], time.Since(start).Round(time.Millisecond)) }(time.Now())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
