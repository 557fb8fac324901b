package web

import (
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// chartBand is a shaded span of a time chart: a correction, whose events
// the SLO does not count, with its reason.
type chartBand struct {
	X, W   float64
	Reason string
	Span   string
}

// correctionBands places corrected spans on a chart's plot, between from
// and from+span; spans outside it are dropped and cut ones clipped.
func correctionBands(ivs []slo.Interval, from time.Time, span time.Duration, plot box) []chartBand {
	to := from.Add(span)
	var out []chartBand
	for _, iv := range ivs {
		a, b := iv.From, iv.To
		if a.Before(from) {
			a = from
		}
		if b.After(to) {
			b = to
		}
		if !a.Before(b) {
			continue
		}
		x := func(t time.Time) float64 { return round1(plot.X + float64(t.Sub(from))/float64(span)*plot.W) }
		out = append(out, chartBand{X: x(a), W: max(round1(x(b)-x(a)), 1), Reason: iv.Reason,
			Span: iv.From.UTC().Format("2006-01-02 15:04") + " – " + iv.To.UTC().Format("2006-01-02 15:04") + " UTC"})
	}
	return out
}
