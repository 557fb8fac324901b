package burnrate

import (
	"fmt"
	"math"

	"github.com/burnwatch/burnwatch/slo"
)

// The low-traffic policy. On a service with a handful of requests a
// minute, one failure is a large error ratio: one in the 60 calls of an
// hour is a burn of 16.7 on a 99.9% SLO, over the page factor 14.4, though
// a service burning at exactly 14.4 would fail 0.86 calls in that hour and
// one stray failure is no evidence of anything worse. Two guards hold a
// burning rule back (StateLowTraffic, AlertStatus.Held):
//
//   - min_valid_events: fewer valid events than this in the long window;
//     off unless the spec sets it.
//   - low_traffic_confidence, the sampling guard, for page rules: a long
//     window whose bad events (rounded to whole events, as increase()
//     extrapolates) are no more than a service burning at exactly the
//     rule's factor would produce with that probability, under a Poisson
//     model. At 0.5, the default for latency and errors SLIs, a page needs
//     more bad events in its long window than the median count at the
//     factor: one failure in the 60 calls of an hour (median 1 at 0.86
//     expected) is held, one in the 10 calls of an hour (median 0, and 14%
//     of a month's budget) is not, and two in 60 page. Tickets are left
//     alone: their day-long windows hold many more events, and a ticket
//     wakes nobody.
//
// The sampling guard steps aside above maxGuardedExpected expected bad
// events at the factor, where the sampling error is under a tenth and the
// burn rate alone decides: on a service with traffic (20 calls a second
// expect 1,037 in the hour at 14.4 on a 99.9% SLO) it never changes when
// an alert fires.

// maxGuardedExpected is the most bad events a window may be expected to
// hold at the factor for the sampling guard to apply.
const maxGuardedExpected = 100

// lowTrafficHold says why a burning rule is held back, or "" when it
// fires.
func lowTrafficHold(s *slo.SLO, w slo.Window, long WindowStatus) string {
	if min := s.Alerting.MinValidEvents; min > 0 && !(long.Valid >= min) {
		return fmt.Sprintf("fewer than %v valid events in a burning alert's long window", min)
	}
	c := s.Alerting.LowTrafficConfidence
	if w.Severity != slo.Page || c <= 0 {
		return ""
	}
	bad := long.Valid - long.Good
	if withinSamplingError(bad, long.Valid*w.Factor*s.ErrorBudget(), c) {
		return fmt.Sprintf("%.0f bad events in %s are within the sampling error of a burn of %v (low_traffic_confidence %v)",
			math.Round(bad), FormatWindow(long.Window), w.Factor, c)
	}
	return ""
}

// withinSamplingError says whether bad events are no more than the
// confidence quantile of a Poisson count of mean expected: whether
// P(X < bad) < confidence. NaN (a raw SLI's unknown counts) and means over
// maxGuardedExpected are never within it.
func withinSamplingError(bad, expected, confidence float64) bool {
	if !(expected <= maxGuardedExpected) || math.IsNaN(bad) {
		return false
	}
	k := math.Round(bad)
	cdf, p := 0.0, math.Exp(-expected)
	for j := 0.0; j < k; j++ {
		cdf += p // P(X ≤ j)
		if cdf >= confidence {
			return false
		}
		p *= expected / (j + 1)
	}
	return true
}
