package daemon

import (
	"path/filepath"
	"testing"
)

func TestEnvironmentSetsTheDefaultsOfListenAddressAndDataDir(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "burnwatch.yaml")
	const base = "prometheus: {url: http://127.0.0.1:9090}\nspecs: [specs]\n"
	tests := []struct {
		name                 string
		config               string
		env                  map[string]string
		wantListen, wantData string
	}{
		{"no variable, no setting: the laptop defaults", base, nil,
			"127.0.0.1:8080", filepath.Join(dir, "data")},
		{"the variables set the defaults", base,
			map[string]string{envListenAddress: "0.0.0.0:8080", envDataDir: "/var/lib/burnwatch"},
			"0.0.0.0:8080", "/var/lib/burnwatch"},
		{"the config's settings win over the variables", base + "listen_address: 127.0.0.1:9999\ndata_dir: state\n",
			map[string]string{envListenAddress: "0.0.0.0:8080", envDataDir: "/var/lib/burnwatch"},
			"127.0.0.1:9999", filepath.Join(dir, "state")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(envListenAddress, tt.env[envListenAddress])
			t.Setenv(envDataDir, tt.env[envDataDir])
			cfg, err := ParseConfig(path, []byte(tt.config))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.ListenAddress != tt.wantListen || cfg.DataDir != tt.wantData {
				t.Errorf("listen_address %q, data_dir %q; want %q, %q", cfg.ListenAddress, cfg.DataDir, tt.wantListen, tt.wantData)
			}
		})
	}
}
