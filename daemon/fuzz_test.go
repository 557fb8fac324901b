package daemon

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseConfig feeds arbitrary bytes to the config parser: it must never
// panic, and a config it accepts must have what the daemon relies on.
func FuzzParseConfig(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("..", "burnwatch.example.yaml")); err == nil {
		f.Add(data)
	}
	f.Add([]byte("prometheus: {url: http://127.0.0.1:9090}\nspecs: [specs]\n"))
	f.Add([]byte("prometheus: {url: http://127.0.0.1:9090}\nspecs: [s]\nreceivers:\n  - name: h\n    webhook: {url: {env: HOME}}\ndefault_receivers: [h]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig("fuzz.yaml", data)
		if err != nil {
			return
		}
		if cfg.EvaluationInterval <= 0 || len(cfg.Specs) == 0 || cfg.Prometheus.URL == "" {
			t.Errorf("accepted a config without its essentials: %+v", cfg)
		}
	})
}
