package web

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
)

func TestNumbersReadForPeople(t *testing.T) {
	for _, c := range []struct {
		name, got, want string
	}{
		{"a factor keeps one decimal", burn(14.4), "14.4"},
		{"a whole factor has none", burn(6), "6"},
		{"a small burn rate rounds to a tenth", burn(0.43), "0.4"},
		{"a tiny burn rate keeps a digit", burn(0.042), "0.04"},
		{"an unknown burn rate says so", burn(math.NaN()), "no data"},
		{"a share is a percentage", percent(0.4312), "43.1%"},
		{"an overspent budget is negative", percent(-0.25), "-25.0%"},
		{"an unknown share is a dash", percent(math.NaN()), "–"},
		{"an objective has the spec's digits", objective(0.9995), "99.95%"},
		{"a round objective has none", objective(0.99), "99%"},
		{"an error ratio has three digits", errorRatio(0.0012345), "0.123%"},
		{"counts have thousands separators", count(1234567), "1,234,567"},
		{"days and hours", span(9*24*time.Hour + 8*time.Hour + 5*time.Minute), "9d 8h"},
		{"hours and minutes", span(3*time.Hour + 12*time.Minute), "3h 12m"},
		{"minutes", span(42*time.Minute + 10*time.Second), "42m"},
		{"a tick percentage has no dust", tickPercent(0.0015), "0.15%"},
		{"a budget share", trimPercent(0.02), "2%"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestNiceRange(t *testing.T) {
	for _, c := range []struct {
		name                       string
		lo, hi                     float64
		wantLo, wantHi, wantStepFn float64
	}{
		{"a share from 0 to 1 steps by a fifth", 0, 1, 0, 1, 0.2},
		{"burn rates up to 27 step by 5", 0, 27, 0, 30, 5},
		{"an overspent budget reaches below zero", -0.3, 1, -0.4, 1, 0.2},
		{"an empty range gets a width", 0, 0, 0, 1, 0.2},
		{"a narrow range keeps small steps", 0, 0.0013, 0, 0.0014, 0.0002},
	} {
		lo, hi, step := niceRange(c.lo, c.hi)
		if math.Abs(lo-c.wantLo) > 1e-9 || math.Abs(hi-c.wantHi) > 1e-9 || math.Abs(step-c.wantStepFn) > 1e-9 {
			t.Errorf("%s: niceRange(%v, %v) = %v, %v, %v; want %v, %v, %v", c.name, c.lo, c.hi, lo, hi, step, c.wantLo, c.wantHi, c.wantStepFn)
		}
	}
}

func TestPolylinesBreakAtMissingValues(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pts := func(vs ...float64) []burnrate.Point {
		out := make([]burnrate.Point, len(vs))
		for i, v := range vs {
			out[i] = burnrate.Point{At: at.Add(time.Duration(i) * time.Minute), Value: v}
		}
		return out
	}
	x := func(t time.Time) float64 { return float64(t.Sub(at) / time.Minute) }
	y := func(v float64) float64 { return v }
	nan := math.NaN()
	for _, c := range []struct {
		name   string
		points []burnrate.Point
		want   []string
	}{
		{"one line without gaps", pts(1, 2, 3), []string{"0.0,1.0 1.0,2.0 2.0,3.0"}},
		{"a gap splits the line", pts(1, nan, 3, 4), []string{"0.0,1.0  0.0,1.0", "2.0,3.0 3.0,4.0"}},
		{"nothing known draws nothing", pts(nan, nan), nil},
	} {
		got := polylines(c.points, x, y)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestTimeTicks(t *testing.T) {
	from := time.Date(2026, 1, 1, 7, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		name      string
		span      time.Duration
		wantFirst string
	}{
		{"a month ticks weekly at midnight", 30 * 24 * time.Hour, "Jan 5"},
		{"a day ticks every six hours", 24 * time.Hour, "12:00"},
		{"two days carry the date", 48 * time.Hour, "Jan 1 12:00"},
	} {
		ticks := timeTicks(from, from.Add(c.span), func(time.Time) float64 { return 0 })
		if len(ticks) == 0 || len(ticks) > 8 {
			t.Errorf("%s: %d ticks, want 1 to 8", c.name, len(ticks))
			continue
		}
		if ticks[0].Label != c.wantFirst {
			t.Errorf("%s: first tick %q, want %q", c.name, ticks[0].Label, c.wantFirst)
		}
	}
}

func TestLineChartHasAxesLegendAndThresholds(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newLineChart(chartSpec{
		id: "c", title: "t", from: at, to: at.Add(time.Hour), now: at.Add(time.Hour),
		series:  []chartSeries{{label: "burn rate over 1h", points: []burnrate.Point{{At: at, Value: 2}, {At: at.Add(time.Hour), Value: 20}}}},
		rules:   []chartRule{{label: "page above 14.4", class: "page", value: 14.4}},
		yFormat: burn,
	})
	if len(c.YTicks) < 3 || len(c.XTicks) < 2 {
		t.Errorf("%d y ticks and %d x ticks", len(c.YTicks), len(c.XTicks))
	}
	if len(c.Legend) != 2 || c.Legend[1].Label != "page above 14.4" {
		t.Errorf("legend %+v", c.Legend)
	}
	if len(c.Thresholds) != 1 || c.Thresholds[0].Y <= c.Plot.Y || c.Thresholds[0].Y >= c.Plot.Bottom() {
		t.Errorf("threshold %+v outside the plot %+v", c.Thresholds, c.Plot)
	}
	if c.Empty != "" {
		t.Errorf("a chart with data says %q", c.Empty)
	}
}
