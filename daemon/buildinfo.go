package daemon

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/burnwatch/burnwatch/internal/version"
)

// newBuildInfo is burnwatch_build_info: always 1, with the version, commit
// and Go version of the running binary as labels, so that a dashboard or an
// alert can tell which build each replica runs.
func newBuildInfo() prometheus.Collector {
	info := version.Get()
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "burnwatch_build_info",
		Help: "Always 1; its labels are the version, commit and Go version of the running burnwatch.",
		ConstLabels: prometheus.Labels{
			"version": info.Version, "commit": info.Commit, "goversion": info.GoVersion,
		},
	})
	g.Set(1)
	return g
}
