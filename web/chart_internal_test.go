package web

import (
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
)

func TestBurnRatesSpanningDecadesAreChartedOnALogScale(t *testing.T) {
	from := time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC)
	points := func(vs ...float64) []burnrate.Point {
		var out []burnrate.Point
		for i, v := range vs {
			out = append(out, burnrate.Point{At: from.Add(time.Duration(i) * 10 * time.Minute), Value: v})
		}
		return out
	}
	for _, c := range []struct {
		name  string
		vs    []float64
		ticks string
	}{
		{"0.3 to 264 reads in decades", []float64{0.3, 0.3, 264, 120}, "0.1 1 10 100 1000"},
		{"nothing to 50 stays linear", []float64{0, 0, 50, 40}, "0 10 20 30 40 50"},
		{"2 to 30 stays linear", []float64{2, 30}, "0 5 10 15 20 25 30"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch := newLineChart(chartSpec{
				id: "c", from: from, to: from.Add(time.Hour), series: []chartSeries{{label: "burn", points: points(c.vs...)}},
				yMin: 0, yMax: 1, yFormat: burn, logAbove: logBarsAbove, logFloor: logBarsFloor,
			})
			var got []string
			for _, tk := range ch.YTicks {
				got = append(got, tk.Label)
			}
			if strings.Join(got, " ") != c.ticks {
				t.Errorf("y ticks %q, want %q", strings.Join(got, " "), c.ticks)
			}
		})
	}
}
