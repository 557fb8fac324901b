package web

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// Charts are laid out here, in Go, and drawn by the templates in
// charts.html: every coordinate is computed before html/template sees it,
// and every label goes through its escaping like any other text.

// box is a rectangle in SVG user units.
type box struct{ X, Y, W, H float64 }

// Right and Bottom are the far edges of the box.
func (b box) Right() float64  { return b.X + b.W }
func (b box) Bottom() float64 { return b.Y + b.H }

// CenterX and CenterY are the middle of the box.
func (b box) CenterX() float64 { return round1(b.X + b.W/2) }
func (b box) CenterY() float64 { return round1(b.Y + b.H/2) }

// chartFuncs do the little arithmetic the chart templates need.
var chartFuncs = map[string]any{
	"add": func(a, b float64) float64 { return round1(a + b) },
	"neg": func(a float64) float64 { return -a },
}

// tick is an axis mark and its label at a position along the axis.
type tick struct {
	Pos   float64
	Label string
}

// legendItem is one key of a legend; Kind is "line", "dash", "span" or
// "mark", and says how its swatch is drawn.
type legendItem struct {
	X, Y         float64
	Class, Label string
	Kind         string
}

// chartLine is one series, cut into polylines where values are missing.
type chartLine struct {
	Class, Label string
	Paths        []string
}

// chartThreshold is a horizontal line at a value the chart is read against.
type chartThreshold struct {
	Y            float64
	Class, Label string
}

// lineChart is an SVG line chart over time.
type lineChart struct {
	ID, Title, Desc string
	Width, Height   float64
	Plot            box
	XTicks, YTicks  []tick
	XLabel, YLabel  string
	Legend          []legendItem
	Lines           []chartLine
	Thresholds      []chartThreshold
	// NowX is where the last evaluation sits, when the chart reaches past it.
	NowX float64
	// Empty is a message drawn instead of lines when there are none.
	Empty string
	// Note is said under the chart, to read it by.
	Note string
	// Bands shade the corrected spans (corrections.go).
	Bands []chartBand
}

// chartSeries is one line to draw.
type chartSeries struct {
	label, class string
	points       []burnrate.Point
}

// chartRule is a threshold to draw.
type chartRule struct {
	label, class string
	value        float64
}

// chartSpec says what a line chart shows.
type chartSpec struct {
	id, title, desc string
	from, to, now   time.Time
	series          []chartSeries
	rules           []chartRule
	// yMin and yMax are included in the y range whatever the data.
	yMin, yMax float64
	yLabel     string
	yFormat    func(float64) string
	// note is said under the chart.
	note string
	// logAbove turns the y axis to a log scale from logFloor when the
	// largest value is more than logAbove times the smallest positive one
	// (or 1); 0 keeps it linear.
	logAbove, logFloor float64
	// corrections are shaded as bands, with their reasons.
	corrections []slo.Interval
}

const (
	chartWidth  = 720.0
	chartHeight = 250.0
	marginLeft  = 64.0
	marginRight = 20.0
	legendRow   = 18.0
)

func newLineChart(sp chartSpec) lineChart {
	c := lineChart{ID: sp.id, Title: sp.title, Desc: sp.desc, Width: chartWidth, YLabel: sp.yLabel, XLabel: "time (UTC)", Note: sp.note}
	var keys []legendItem
	for i, s := range sp.series {
		class := s.class
		if class == "" {
			class = "s" + strconv.Itoa(i)
		}
		sp.series[i].class = class
		keys = append(keys, legendItem{Class: class, Label: s.label, Kind: "line"})
	}
	for _, r := range sp.rules {
		keys = append(keys, legendItem{Class: r.class, Label: r.label, Kind: "dash"})
	}
	if len(sp.corrections) > 0 {
		keys = append(keys, legendItem{Class: "correction", Label: "corrected (not counted)", Kind: "span"})
	}
	var top float64
	c.Legend, top = layoutLegend(keys, marginLeft, chartWidth-marginRight)
	c.Plot = box{X: marginLeft, Y: top, W: chartWidth - marginLeft - marginRight, H: 170}
	c.Height = c.Plot.Bottom() + 44

	lo, hi := sp.yMin, sp.yMax
	seen := false
	for _, s := range sp.series {
		for _, p := range s.points {
			if finite(p.Value) {
				lo, hi, seen = math.Min(lo, p.Value), math.Max(hi, p.Value), true
			}
		}
	}
	for _, r := range sp.rules {
		lo, hi = math.Min(lo, r.value), math.Max(hi, r.value)
	}
	var y func(float64) float64
	if least := smallestPositive(sp.series); sp.logAbove > 0 && hi/math.Min(least, 1) > sp.logAbove {
		// Decades from the floor, values under it drawn on it.
		top := math.Pow(10, math.Ceil(math.Log10(hi)))
		y = func(v float64) float64 {
			f := math.Log10(math.Max(v, sp.logFloor)/sp.logFloor) / math.Log10(top/sp.logFloor)
			return round1(c.Plot.Bottom() - f*c.Plot.H)
		}
		for v := sp.logFloor; v <= top*1.001; v *= 10 {
			c.YTicks = append(c.YTicks, tick{Pos: y(v), Label: sp.yFormat(v)})
		}
		c.YLabel += " (log scale)"
	} else {
		lo, hi, step := niceRange(lo, hi)
		y = func(v float64) float64 { return round1(c.Plot.Bottom() - (v-lo)/(hi-lo)*c.Plot.H) }
		for v := lo; v <= hi+step/2; v += step {
			c.YTicks = append(c.YTicks, tick{Pos: y(v), Label: sp.yFormat(cleanZero(v))})
		}
	}
	span := sp.to.Sub(sp.from)
	if span <= 0 {
		span = time.Minute
	}
	x := func(t time.Time) float64 { return round1(c.Plot.X + float64(t.Sub(sp.from))/float64(span)*c.Plot.W) }
	c.XTicks = timeTicks(sp.from, sp.to, x)
	c.Bands = correctionBands(sp.corrections, sp.from, span, c.Plot)
	if sp.now.After(sp.from) && sp.now.Before(sp.to) {
		c.NowX = x(sp.now)
	}
	for _, s := range sp.series {
		c.Lines = append(c.Lines, chartLine{Class: s.class, Label: s.label, Paths: polylines(s.points, x, y)})
	}
	for _, r := range sp.rules {
		c.Thresholds = append(c.Thresholds, chartThreshold{Y: y(r.value), Class: r.class, Label: r.label})
	}
	if !seen {
		c.Empty = "No data in this span."
	}
	return c
}

// smallestPositive is the least positive finite value of the series, +Inf
// when there is none.
func smallestPositive(series []chartSeries) float64 {
	least := math.Inf(1)
	for _, s := range series {
		for _, p := range s.points {
			if finite(p.Value) && p.Value > 0 {
				least = math.Min(least, p.Value)
			}
		}
	}
	return least
}

// layoutLegend places legend keys left to right, wrapping at right, and
// returns where the plot may start below them.
func layoutLegend(keys []legendItem, left, right float64) ([]legendItem, float64) {
	x, y := left, 14.0
	for i := range keys {
		w := 30 + 6.6*float64(len([]rune(keys[i].Label))) + 18
		if x > left && x+w > right {
			x, y = left, y+legendRow
		}
		keys[i].X, keys[i].Y = x, y
		x += w
	}
	return keys, y + 16
}

// polylines turns points into SVG polyline point lists, broken where a
// value is missing; a lone point becomes a dot.
func polylines(points []burnrate.Point, x func(time.Time) float64, y func(float64) float64) []string {
	var out []string
	var b strings.Builder
	n := 0
	flush := func() {
		if n == 1 {
			b.WriteString(" " + strings.TrimSpace(b.String())) // a dot: the point twice
		}
		if n > 0 {
			out = append(out, strings.TrimSpace(b.String()))
		}
		b.Reset()
		n = 0
	}
	for _, p := range points {
		if !finite(p.Value) {
			flush()
			continue
		}
		b.WriteString(strconv.FormatFloat(x(p.At), 'f', 1, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(y(p.Value), 'f', 1, 64))
		b.WriteByte(' ')
		n++
	}
	flush()
	return out
}

// niceRange widens [lo, hi] to multiples of a round step (1, 2, 2.5 or 5
// × 10^k), the smallest that gives at most seven intervals.
func niceRange(lo, hi float64) (float64, float64, float64) {
	if hi <= lo {
		hi = lo + 1
	}
	step := niceStep(hi - lo)
	return math.Floor(lo/step+1e-9) * step, math.Ceil(hi/step-1e-9) * step, step
}

func niceStep(width float64) float64 {
	exp := math.Pow(10, math.Floor(math.Log10(width/7)))
	for _, m := range []float64{1, 2, 2.5, 5} {
		if width/(m*exp) <= 7+1e-9 {
			return m * exp
		}
	}
	return 10 * exp
}

// timeSteps are the tick intervals a time axis may use.
var timeSteps = []time.Duration{
	time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour,
}

// timeTicks returns at most eight ticks at round UTC times between from
// and to.
func timeTicks(from, to time.Time, x func(time.Time) float64) []tick {
	span := to.Sub(from)
	step := timeSteps[len(timeSteps)-1]
	for _, s := range timeSteps {
		if span/s <= 7 {
			step = s
			break
		}
	}
	layout := "15:04"
	switch {
	case step >= 24*time.Hour:
		layout = "Jan 2"
	case span > 24*time.Hour:
		layout = "Jan 2 15:04"
	}
	var out []tick
	t := from.UTC().Truncate(step)
	if t.Before(from) {
		t = t.Add(step)
	}
	for ; !t.After(to); t = t.Add(step) {
		out = append(out, tick{Pos: x(t), Label: t.Format(layout)})
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// cleanZero turns -0 and rounding dust into 0 for tick labels.
func cleanZero(v float64) float64 {
	if math.Abs(v) < 1e-12 {
		return 0
	}
	return v
}
