// Package specs holds the example team specs. They are embedded so that the
// demo runs them from any directory; the daemon reads spec files from disk.
package specs

import "embed"

// Files are the example specs: checkout.yaml, payments.yaml, queue.yaml,
// search-sloth.yml and windows/30d.yaml.
//
//go:embed *.yaml *.yml windows/*.yaml
var Files embed.FS
