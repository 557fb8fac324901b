package burnrate

import (
	"fmt"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// DistributionQuery returns the PromQL for a latency SLI's observations per
// bucket over window, for charting the distribution: for a classic
// histogram the increase of every _bucket series of the SLI summed by `le`
// (cumulative counts: a bucket's own observations are the difference from
// the bucket below), for a native histogram the summed increase of the
// histogram. Other SLIs have no distribution.
func DistributionQuery(s *slo.SLO, window time.Duration) (string, error) {
	if s.SLI.Kind != slo.SLILatency {
		return "", fmt.Errorf("%s: a %s SLI has no latency distribution", s.ID, s.SLI.Kind)
	}
	sel := slo.Selector(s.SLI.Metric, s.SLI.Matchers)
	if s.SLI.Native {
		return fmt.Sprintf("sum(increase(%s[%s]))", sel, FormatWindow(window)), nil
	}
	return fmt.Sprintf("sum by (le) (increase(%s[%s]))", sel, FormatWindow(window)), nil
}
