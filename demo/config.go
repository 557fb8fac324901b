package demo

import (
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/burnwatch/burnwatch/specs"
)

// evaluationInterval is the demo's evaluation interval.
const evaluationInterval = 10 * time.Second

// configTemplate is the demo's burnwatch.yaml; %[1]q is the listen
// address, %[2]q the external URL and %[3]s the evaluation interval.
const configTemplate = `# Written by burnwatch demo.
prometheus:
  # A placeholder that is never contacted: the demo hands the daemon its
  # embedded engine (daemon.Options.Querier), but the config format requires
  # a Prometheus URL all the same.
  url: http://127.0.0.1:9090
specs: [specs/]
evaluation_interval: %[3]s
data_dir: data
listen_address: %[1]q
external_url: %[2]q
alerting:
  max_traces: 5
# "inbox" is the demo's built-in receiver (daemon.Options.ExtraReceivers):
# it keeps the Slack and PagerDuty payloads that would have been sent.
default_receivers: [inbox]
`

// writeConfig writes the embedded specs, with the demo's additions
// (specPatches), and a burnwatch.yaml into dir and returns the config's
// path.
func writeConfig(dir, listen, externalURL string, patches map[string]func([]byte) ([]byte, error)) (string, error) {
	err := fs.WalkDir(specs.Files, ".", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, "specs", filepath.FromSlash(path))
		if e.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := fs.ReadFile(specs.Files, path)
		if err != nil {
			return err
		}
		if patch := patches[path]; patch != nil {
			if data, err = patch(data); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		return "", fmt.Errorf("write the example specs: %w", err)
	}
	path := filepath.Join(dir, "burnwatch.yaml")
	if err := os.WriteFile(path, fmt.Appendf(nil, configTemplate, listen, externalURL, evaluationInterval), 0o600); err != nil {
		return "", fmt.Errorf("write config: %w", err)
	}
	return path, nil
}

// listen opens the dashboard's listener; the config, the trace links and
// the printed URLs need its real port (addr may say port 0) before the
// daemon starts, and the daemon serves on this very listener. It returns the
// listener and the URL people reach it at.
func listen(addr string) (net.Listener, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("listen on %s: %w", addr, err)
	}
	host, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		ln.Close()
		return nil, "", fmt.Errorf("listen on %s: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1" // all interfaces: link to the loopback one
	}
	return ln, "http://" + net.JoinHostPort(host, port), nil
}
