package slothdiff_test

import (
	"math"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/bench/internal/spanmetrics"
)

// The history: 4 days and 8 hours of checkout traffic, one scrape a minute,
// with incidents in the last 30 hours (the evaluated range) chosen so that
// every rule of both SLOs crosses its threshold in both directions, some
// of them slowly, so that decisions flip near the thresholds.
const (
	history   = 4*24*time.Hour + 8*time.Hour
	evaluated = 30 * time.Hour
	scrape    = time.Minute
)

// incident is a bad share for a while, as offsets into the evaluated range.
type incident struct {
	from, length time.Duration
	share        float64
}

// The availability SLO is 99.9% (budget 0.1%): page burns are 14.4 and 6,
// ticket burns 3 and 1.
var errorIncidents = []incident{
	{2 * time.Hour, 3 * time.Minute, 1},     // a 3-minute outage: 3.5× the 1h rule's budget share
	{5 * time.Hour, 90 * time.Minute, 0.02}, // burn 20 for 90 minutes: the 1h rule fires after 43
	{9 * time.Hour, 2 * time.Hour, 0.015},   // burn 15: barely over 14.4 for the 1h rule
	{14 * time.Hour, 5 * time.Hour, 0.008},  // burn 8: the 6h rule fires after 4.5 hours
	{21 * time.Hour, 8 * time.Hour, 0.0035}, // burn 3.5: keeps the 1d/2h ticket burning
}

// The latency SLO is 99.5% (budget 0.5%).
var latencyIncidents = []incident{
	{3 * time.Hour, time.Hour, 0.1},       // burn 20: the 1h rule fires after 43 minutes
	{12 * time.Hour, 6 * time.Hour, 0.04}, // burn 8: the 6h rule fires after 4.5 hours
	{22 * time.Hour, 6 * time.Hour, 0.02}, // burn 4: tickets
}

// profile is 20 calls a second with a daily swing of ±30% and a small
// baseline of bad calls, and the incidents, which start `evalStart` into
// the history.
func profile(baseline float64, incidents []incident, evalStart time.Duration) spanmetrics.Profile {
	return func(s int) (float64, float64) {
		t := time.Duration(s) * time.Second
		calls := 20 * (1 + 0.3*math.Sin(2*math.Pi*t.Hours()/24))
		share := baseline
		for _, in := range incidents {
			if t >= evalStart+in.from && t < evalStart+in.from+in.length {
				share = in.share
			}
		}
		return calls, calls * share
	}
}

// backfill renders the history ending at end.
func backfill(t *testing.T, end time.Time) string {
	t.Helper()
	sh := spanmetrics.Shape{Start: end.Add(-history), Length: history, Scrape: scrape}
	evalStart := history - evaluated
	labels := map[string]string{"service_name": "checkout", "span_name": "POST /checkout", "span_kind": "SPAN_KIND_SERVER"}
	var w spanmetrics.Writer
	w.WriteCalls(labels, profile(0.0002, errorIncidents, evalStart), sh)
	w.WriteLatency(labels, profile(0.0005, latencyIncidents, evalStart), sh)
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	return text
}
