package web

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// The distribution chart: for a latency SLI a heatmap of the histogram
// over time (one column per step, one row per bucket, darker for more
// observations), the threshold across it and the exemplars of the range as
// points at their time and latency; for an errors SLI the bad events per
// step as bars with the exemplars of failed calls on them. Each bad
// exemplar is a link to its trace.

// heatmap is the distribution chart, laid out.
type heatmap struct {
	ID, Title, Desc string
	Width, Height   float64
	Plot            box
	Legend          []legendItem
	Cells           []heatCell
	XTicks, YTicks  []tick
	XLabel, YLabel  string
	// Threshold is the SLO's latency threshold, nil for an errors SLI.
	Threshold *chartThreshold
	Points    []exemplarMark
	NowX      float64
	Empty     string
}

// heatCell is one bucket of one step, or one step's bar.
type heatCell struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

// exemplarMark is an exemplar drawn as a point; Href is set for a bad one
// whose trace has a link.
type exemplarMark struct {
	X, Y        float64
	Class       string
	Href, Title string
}

const heatLevels = 5

// distUnit converts a latency SLI's histogram unit to seconds.
func distUnit(s *slo.SLO) float64 {
	if s.SLI.Bucket <= 0 {
		return 1
	}
	return s.SLI.Threshold.Seconds() / s.SLI.Bucket
}

// latencyLabel renders seconds for an axis: "2ms", "1.5s".
func latencyLabel(sec float64) string {
	switch {
	case math.IsInf(sec, 1):
		return "+Inf"
	case sec < 1:
		return strconv.FormatFloat(sec*1000, 'g', 3, 64) + "ms"
	}
	return strconv.FormatFloat(sec, 'g', 3, 64) + "s"
}

// newLatencyHeatmap lays out a latency SLI's distribution over the range.
func newLatencyHeatmap(s *slo.SLO, d *rangeData, now time.Time) heatmap {
	unit := distUnit(s)
	threshold := latencyLabel(s.SLI.Threshold.Seconds())
	c := heatmap{
		ID: "chart-distribution", Title: "Latency distribution with exemplars",
		Desc: fmt.Sprintf("Observations per latency bucket in each %s step (darker: more); the dashed line is the %s threshold; "+
			"points are exemplars, and each one above the threshold links to its trace.", span(d.Step), threshold),
		Width: chartWidth, XLabel: "time (UTC)", YLabel: "latency",
	}
	keys := []legendItem{
		{Class: "h1", Label: "few", Kind: "span"},
		{Class: "h5", Label: "many observations", Kind: "span"},
		{Class: "limit", Label: "threshold " + threshold, Kind: "dash"},
		{Class: "ex-bad", Label: "slow exemplar (trace link)", Kind: "dot"},
		{Class: "ex-ok", Label: "exemplar", Kind: "dot"},
	}
	var top float64
	c.Legend, top = layoutLegend(keys, marginLeft, chartWidth-marginRight)
	c.Plot = box{X: marginLeft, Y: top, W: chartWidth - marginLeft - marginRight, H: 230}
	c.Height = c.Plot.Bottom() + 44
	x := timeAxis(&c, d.From, d.To, now)

	dist := d.Dist
	if dist == nil || len(dist.Bounds) == 0 {
		c.Empty = "No observations in this range."
		return c
	}
	bucketOf := func(v float64) int {
		for j, b := range dist.Bounds {
			if v <= b {
				return j
			}
		}
		return len(dist.Bounds) - 1
	}
	// The rows shown: every bucket with observations, the threshold's and
	// the exemplars', one more either side.
	lo, hi := bucketOf(s.SLI.Bucket), bucketOf(s.SLI.Bucket)
	peak := 0.0
	for _, row := range dist.Counts {
		for j, v := range row {
			if v > 0 {
				lo, hi = min(lo, j), max(hi, j)
				peak = math.Max(peak, v)
			}
		}
	}
	for _, e := range d.Exemplars {
		j := bucketOf(e.Value)
		lo, hi = min(lo, j), max(hi, j)
	}
	lo, hi = max(0, lo-1), min(len(dist.Bounds)-1, hi+1)
	rowH := c.Plot.H / float64(hi-lo+1)
	rowTop := func(j int) float64 { return c.Plot.Bottom() - float64(j-lo+1)*rowH }
	lower := func(j int) float64 {
		if j == 0 && dist.Lowest > 0 {
			return dist.Lowest
		}
		if j == 0 {
			return dist.Bounds[0] / 10 // the first bucket reaches down to 0
		}
		return dist.Bounds[j-1]
	}
	upper := func(j int) float64 {
		if math.IsInf(dist.Bounds[j], 1) {
			return lower(j) * 2
		}
		return dist.Bounds[j]
	}
	// y places a value inside its bucket's row, on a log scale.
	y := func(v float64) float64 {
		j := min(max(bucketOf(v), lo), hi)
		l, u := lower(j), upper(j)
		f := 0.5
		if l > 0 && u > l && v > 0 {
			f = math.Min(1, math.Max(0, math.Log(v/l)/math.Log(u/l)))
		}
		return round1(rowTop(j) + (1-f)*rowH)
	}
	every := max(1, (hi-lo+1+9)/10)
	for j := lo; j <= hi; j++ {
		if (hi-j)%every == 0 && !math.IsInf(dist.Bounds[j], 1) {
			c.YTicks = append(c.YTicks, tick{Pos: round1(rowTop(j)), Label: latencyLabel(dist.Bounds[j] * unit)})
		}
	}
	for i, t := range dist.Times {
		x0, x1 := x(t.Add(-d.Step)), x(t)
		if x1 <= c.Plot.X {
			continue
		}
		x0 = math.Max(x0, c.Plot.X)
		for j := lo; j <= hi; j++ {
			v := dist.Counts[i][j]
			if v <= 0 {
				continue
			}
			c.Cells = append(c.Cells, heatCell{
				X: x0, Y: round1(rowTop(j)), W: round1(math.Max(1, x1-x0)), H: round1(rowH),
				Class: heatLevel(v, peak),
				Title: fmt.Sprintf("%s: %s between %s and %s", clock(t), count(v), latencyLabel(lower(j)*unit), latencyLabel(dist.Bounds[j]*unit)),
			})
		}
	}
	c.Threshold = &chartThreshold{Y: y(s.SLI.Bucket), Class: "limit", Label: "threshold " + threshold}
	for _, e := range d.Exemplars {
		m := exemplarMark{X: x(e.At), Y: y(e.Value), Class: "ex-ok",
			Title: fmt.Sprintf("exemplar: %s at %s", latencyLabel(e.Value*unit), clock(e.At))}
		if e.Bad {
			m.Class, m.Href = "ex-bad", e.Trace.URL
			m.Title = fmt.Sprintf("trace %s: %s at %s", e.Trace.TraceID, e.Trace.Reason, clock(e.At))
		}
		c.Points = append(c.Points, m)
	}
	if peak == 0 && len(c.Points) == 0 {
		c.Empty = "No observations in this range."
	}
	return c
}

// newErrorsChart lays out an errors SLI's bad events per step, with the
// exemplars of failed calls on their step's bar.
func newErrorsChart(d *rangeData, now time.Time) heatmap {
	c := heatmap{
		ID: "chart-distribution", Title: "Failed calls with exemplars",
		Desc:  fmt.Sprintf("Failed calls per %s step; points are exemplars of failed calls, each a link to its trace.", span(d.Window)),
		Width: chartWidth, XLabel: "time (UTC)", YLabel: "failed calls",
	}
	keys := []legendItem{
		{Class: "bad-bar", Label: "failed calls per " + span(d.Window), Kind: "span"},
		{Class: "ex-bad", Label: "failed call exemplar (trace link)", Kind: "dot"},
	}
	var top float64
	c.Legend, top = layoutLegend(keys, marginLeft, chartWidth-marginRight)
	c.Plot = box{X: marginLeft, Y: top, W: chartWidth - marginLeft - marginRight, H: 170}
	c.Height = c.Plot.Bottom() + 44
	x := timeAxis(&c, d.From, d.To, now)
	peak := 0.0
	for _, p := range d.Bad {
		peak = math.Max(peak, p.Value)
	}
	lo, hi, step := niceRange(0, math.Max(peak, 1))
	y := func(v float64) float64 { return round1(c.Plot.Bottom() - (v-lo)/(hi-lo)*c.Plot.H) }
	for v := lo; v <= hi+step/2; v += step {
		c.YTicks = append(c.YTicks, tick{Pos: y(v), Label: count(cleanZero(v))})
	}
	for _, p := range d.Bad {
		if p.Value <= 0 {
			continue
		}
		x0, x1 := math.Max(c.Plot.X, x(p.At.Add(-d.Step))), x(p.At)
		c.Cells = append(c.Cells, heatCell{
			X: x0, Y: y(p.Value), W: round1(math.Max(1, x1-x0)), H: round1(c.Plot.Bottom() - y(p.Value)), Class: "bad-bar",
			Title: fmt.Sprintf("%s: %s failed calls in %s", clock(p.At), count(p.Value), span(d.Window)),
		})
	}
	for _, e := range d.Exemplars {
		if !e.Bad {
			continue
		}
		// On its step's bar: the first point at or after the exemplar.
		at := c.Plot.Bottom() - 4
		for _, p := range d.Bad {
			if !p.At.Before(e.At) {
				at = math.Min(at, y(p.Value))
				break
			}
		}
		c.Points = append(c.Points, exemplarMark{X: x(e.At), Y: round1(at), Class: "ex-bad", Href: e.Trace.URL,
			Title: fmt.Sprintf("trace %s: failed call at %s", e.Trace.TraceID, clock(e.At))})
	}
	if peak == 0 && len(c.Points) == 0 {
		c.Empty = "No failed calls in this range."
	}
	return c
}

// timeAxis sets a chart's time ticks and now line and returns its x scale.
func timeAxis(c *heatmap, from, to, now time.Time) func(time.Time) float64 {
	width := to.Sub(from)
	if width <= 0 {
		width = time.Minute
	}
	x := func(t time.Time) float64 {
		f := math.Min(1, math.Max(0, float64(t.Sub(from))/float64(width)))
		return round1(c.Plot.X + f*c.Plot.W)
	}
	c.XTicks = timeTicks(from, to, x)
	if now.After(from) && now.Before(to) {
		c.NowX = x(now)
	}
	return x
}

// heatLevel is the shade of a count against the chart's peak, on a log
// scale so that a thin slow band still shows beside the bulk.
func heatLevel(v, peak float64) string {
	if peak <= 0 {
		return "h1"
	}
	l := 1 + int(math.Floor(float64(heatLevels-1)*math.Log1p(v)/math.Log1p(peak)+1e-9))
	return "h" + strconv.Itoa(min(heatLevels, max(1, l)))
}
