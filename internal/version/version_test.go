package version

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	withVCS := &debug.BuildInfo{
		GoVersion: "go1.26.0",
		Main:      debug.Module{Path: "github.com/burnwatch/burnwatch", Version: "v0.3.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.modified", Value: "false"},
		},
	}
	dirty := &debug.BuildInfo{
		GoVersion: "go1.26.0",
		Main:      debug.Module{Path: "github.com/burnwatch/burnwatch", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	tests := []struct {
		name            string
		version, commit string
		bi              *debug.BuildInfo
		want            Info
	}{
		{"stamped values win over the build information", "v1.2.3", "abc1234", withVCS,
			Info{Version: "v1.2.3", Commit: "abc1234", GoVersion: "go1.26.0"}},
		{"go install falls back on the module version and revision", "", "", withVCS,
			Info{Version: "v0.3.0", Commit: "0123456789ab", GoVersion: "go1.26.0"}},
		{"a build from a changed work tree says so", "", "", dirty,
			Info{Version: "(devel)", Commit: "0123456789ab-dirty", GoVersion: "go1.26.0"}},
		{"a binary with nothing recorded says unknown", "", "", nil,
			Info{Version: "unknown", Commit: "unknown", GoVersion: runtime.Version()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resolve(tt.version, tt.commit, tt.bi); got != tt.want {
				t.Errorf("resolve = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestInfoString(t *testing.T) {
	got := Info{Version: "v1.2.3", Commit: "abc1234", GoVersion: "go1.26.0"}.String()
	if want := "burnwatch v1.2.3 (commit abc1234, go1.26.0)"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}
