// Package version says which burnwatch this is: the version and commit
// stamped into the binary at build time, and the Go version that built it.
//
// `make build` stamps Version and Commit with -ldflags -X; a binary built
// with `go install` or `go run` has neither, and Get falls back on the module
// version and VCS revision the Go toolchain records in the binary.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version and Commit are set at build time with
// -ldflags "-X github.com/burnwatch/burnwatch/internal/version.Version=v1.2.3
// -X github.com/burnwatch/burnwatch/internal/version.Commit=abc1234".
var (
	Version string
	Commit  string
)

// unknown stands for a version or commit that neither the build flags nor
// the binary's build information tell.
const unknown = "unknown"

// Info is a build's identity.
type Info struct {
	Version   string
	Commit    string
	GoVersion string
}

// String is the one line `burnwatch version` prints.
func (i Info) String() string {
	return fmt.Sprintf("burnwatch %s (commit %s, %s)", i.Version, i.Commit, i.GoVersion)
}

// Get is this binary's identity: the stamped values where they are set,
// else what runtime/debug.ReadBuildInfo recorded.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return resolve(Version, Commit, bi)
}

// resolve prefers the stamped version and commit, then the module version
// and VCS revision in bi (nil when the binary has no build information).
func resolve(stampedVersion, stampedCommit string, bi *debug.BuildInfo) Info {
	info := Info{Version: stampedVersion, Commit: stampedCommit, GoVersion: runtime.Version()}
	if bi != nil {
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		if info.Version == "" && bi.Main.Version != "" {
			info.Version = bi.Main.Version
		}
		if info.Commit == "" {
			info.Commit = vcsRevision(bi)
		}
	}
	if info.Version == "" {
		info.Version = unknown
	}
	if info.Commit == "" {
		info.Commit = unknown
	}
	return info
}

// vcsRevision is the commit the binary was built from, shortened to 12
// characters and marked when the work tree had changes, or "".
func vcsRevision(bi *debug.BuildInfo) string {
	var rev string
	var dirty bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && dirty {
		rev += "-dirty"
	}
	return rev
}
