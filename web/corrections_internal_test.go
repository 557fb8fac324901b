package web

import (
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

func TestCorrectedSpansAreShadedWhereTheyFall(t *testing.T) {
	at := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	c := newLineChart(chartSpec{
		id: "c", title: "t", from: at, to: at.Add(4 * time.Hour), now: at.Add(4 * time.Hour),
		series: []chartSeries{{label: "burn rate over 1h", points: []burnrate.Point{{At: at, Value: 2}, {At: at.Add(4 * time.Hour), Value: 3}}}},
		corrections: []slo.Interval{
			{From: at.Add(time.Hour), To: at.Add(2 * time.Hour), Reason: "CDN outage"},
			{From: at.Add(-2 * time.Hour), To: at.Add(-time.Hour), Reason: "before the chart"},
			{From: at.Add(3 * time.Hour), To: at.Add(5 * time.Hour), Reason: "runs past the chart"},
		},
		yFormat: burn,
	})
	if len(c.Bands) != 2 {
		t.Fatalf("bands = %+v, want the two corrections inside the chart", c.Bands)
	}
	quarter := c.Plot.W / 4
	if got := c.Bands[0]; got.X != round1(c.Plot.X+quarter) || got.W != round1(quarter) || got.Reason != "CDN outage" {
		t.Errorf("first band = %+v, want the second quarter of the plot, with its reason", got)
	}
	if got := c.Bands[1]; got.X+got.W > c.Plot.Right()+0.1 {
		t.Errorf("second band ends at %v, past the plot's right edge %v", got.X+got.W, c.Plot.Right())
	}
	var keyed bool
	for _, k := range c.Legend {
		keyed = keyed || k.Class == "correction"
	}
	if !keyed {
		t.Error("the legend does not explain the bands")
	}
}
