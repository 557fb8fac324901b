package burnrate

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/slo"
)

// A latency SLI counts good events from the bucket whose `le` is its
// threshold. A threshold that is not a bucket boundary (1500 ms on buckets
// of 1400 and 2000) matches no series: read as zero good events, it would
// page a healthy service at the highest burn rate. The evaluator reports it
// instead, as an error of that SLO, with the boundaries the histogram has.

// MissingBucket says that a latency threshold is not a bucket boundary of
// the histogram the SLI reads.
type MissingBucket struct {
	// Selector is the bucket series' selector, without `le`.
	Selector string
	// LE is the threshold in the histogram's unit.
	LE float64
	// Boundaries are the finite `le` values the histogram has, sorted; nil
	// when they are not known.
	Boundaries []float64
}

// Error says which bucket is missing and the boundaries nearest to it.
func (m MissingBucket) Error() string {
	msg := fmt.Sprintf("no bucket le=%q on %s", formatLE(m.LE), m.Selector)
	below, above := NearestBoundaries(m.Boundaries, m.LE)
	switch {
	case !math.IsNaN(below) && !math.IsNaN(above):
		msg += fmt.Sprintf("; the nearest are %s and %s", formatLE(below), formatLE(above))
	case !math.IsNaN(below):
		msg += fmt.Sprintf("; the nearest is %s", formatLE(below))
	case !math.IsNaN(above):
		msg += fmt.Sprintf("; the nearest is %s", formatLE(above))
	}
	return msg
}

// NearestBoundaries returns the greatest boundary below le and the least
// above it, NaN where there is none.
func NearestBoundaries(boundaries []float64, le float64) (below, above float64) {
	below, above = math.NaN(), math.NaN()
	for _, b := range boundaries {
		switch {
		case b < le && (math.IsNaN(below) || b > below):
			below = b
		case b > le && (math.IsNaN(above) || b < above):
			above = b
		}
	}
	return below, above
}

// ParseBoundaries reads `le` label values ("2000", "2000.0", "+Inf") into
// the sorted finite boundaries, without duplicates.
func ParseBoundaries(values []string) []float64 {
	var out []float64
	for _, v := range values {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || slices.Contains(out, f) {
			continue
		}
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

func formatLE(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// bucketMissing reports whether a latency SLO's histogram had series in a
// window where its threshold bucket had none.
func bucketMissing(sp *sloPlan, ans *answers) bool {
	if sp.slo.SLI.Kind != slo.SLILatency || sp.slo.SLI.Native || sp.good == nil || sp.valid == nil {
		return false
	}
	for _, w := range sp.windows {
		_, valid := ans.values[sp.valid.src][w][sp.valid.key]
		_, good := ans.values[sp.good.src][w][sp.good.key]
		if valid && !good {
			return true
		}
	}
	return false
}

// missingBucket describes the missing bucket of a latency SLO, with the
// boundaries its histogram has now (one query); when that query fails, the
// boundaries are left out.
func missingBucket(ctx context.Context, q Querier, s *slo.SLO, at time.Time) MissingBucket {
	sel := slo.Selector(s.SLI.Metric, s.SLI.Matchers)
	m := MissingBucket{Selector: sel, LE: s.SLI.Bucket}
	vec, err := q.Query(ctx, "count by (le) ("+sel+")", at)
	if err != nil {
		return m
	}
	les := make([]string, 0, len(vec))
	for _, smp := range vec {
		les = append(les, string(smp.Metric[model.BucketLabel]))
	}
	m.Boundaries = ParseBoundaries(les)
	return m
}
