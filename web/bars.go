package web

import (
	"math"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// barChart is a horizontal SVG bar chart: the burn rate over each window,
// with the factors of the rules that read the window marked on its bar.
type barChart struct {
	ID, Title, Desc string
	Width, Height   float64
	Plot            box
	Rows            []barRow
	XTicks          []tick
	XLabel          string
	Legend          []legendItem
	// OneX is where burn rate 1 sits: the pace that spends exactly the
	// budget over the period.
	OneX float64
}

// barRow is one window's bar.
type barRow struct {
	Label   string
	Y, H, W float64
	Class   string
	Value   string
	ValueX  float64
	Marks   []barMark
	TextY   float64
}

// barMark is a rule's factor on a window's bar.
type barMark struct {
	X, Y1, Y2 float64
	Class     string
	Title     string
}

const barRowHeight = 26.0

// newBurnBars lays out the burn rate of every window of a status.
func newBurnBars(id string, st *burnrate.Status) barChart {
	c := barChart{
		ID: id, Width: chartWidth, XLabel: "burn rate (1 = the budget lasts exactly the period)",
		Title: "Burn rate per window against the alert thresholds",
		Desc:  "One bar per window; a mark on a bar is the factor of an alert rule that reads that window.",
	}
	hi, lo := 1.0, math.Inf(1)
	for _, w := range st.Windows {
		if finite(w.BurnRate) {
			hi = math.Max(hi, w.BurnRate)
			if w.BurnRate > 0 {
				lo = math.Min(lo, w.BurnRate)
			}
		}
	}
	for _, a := range st.Alerts {
		hi = math.Max(hi, a.Factor)
	}
	// The bar colours in use, each with its legend key.
	used := map[string]bool{}
	for _, w := range st.Windows {
		used[barClass(st, w)] = true
	}
	var keys []legendItem
	for _, k := range []legendItem{
		{Class: "bar-ok", Label: "at most 1", Kind: "span"},
		{Class: "bar-warn", Label: "above 1", Kind: "span"},
		{Class: "bar-over", Label: "above a rule's threshold", Kind: "span"},
	} {
		if used[k.Class] {
			keys = append(keys, k)
		}
	}
	// A key for each severity whose thresholds are marked.
	marked := map[slo.Severity]bool{}
	for _, a := range st.Alerts {
		marked[a.Severity] = true
	}
	for _, sev := range []slo.Severity{slo.Page, slo.Ticket} {
		if marked[sev] {
			keys = append(keys, legendItem{Class: string(sev), Label: string(sev) + " threshold", Kind: "mark"})
		}
	}
	keys = append(keys, legendItem{Class: "one", Label: "burn rate 1", Kind: "dash"})
	var top float64
	c.Legend, top = layoutLegend(keys, marginLeft, chartWidth-marginRight)
	c.Plot = box{X: marginLeft, Y: top, W: chartWidth - marginLeft - 90, H: barRowHeight * float64(max(1, len(st.Windows)))}
	c.Height = c.Plot.Bottom() + 44
	var x func(float64) float64
	if hi/math.Min(lo, 1) > logBarsAbove {
		// A log scale from 0.1, so that 0.3 and 264 both read.
		top := math.Pow(10, math.Ceil(math.Log10(hi*1.05)))
		x = func(v float64) float64 {
			f := math.Log10(math.Max(v, logBarsFloor)/logBarsFloor) / math.Log10(top/logBarsFloor)
			return round1(c.Plot.X + math.Min(1, f)*c.Plot.W)
		}
		for v := logBarsFloor; v <= top*1.001; v *= 10 {
			c.XTicks = append(c.XTicks, tick{Pos: x(v), Label: burn(v)})
		}
		c.XLabel += ", log scale"
	} else {
		_, hi, step := niceRange(0, hi*1.05)
		x = func(v float64) float64 { return round1(c.Plot.X + math.Max(0, math.Min(v, hi))/hi*c.Plot.W) }
		for v := 0.0; v <= hi+step/2; v += step {
			c.XTicks = append(c.XTicks, tick{Pos: x(v), Label: burn(cleanZero(v))})
		}
	}
	c.OneX = x(1)
	for i, w := range st.Windows {
		r := barRow{
			Label: burnrate.FormatWindow(w.Window), Y: round1(c.Plot.Y + float64(i)*barRowHeight + 4), H: barRowHeight - 8,
			Value: burn(w.BurnRate), Class: barClass(st, w),
		}
		r.TextY = round1(r.Y + r.H/2 + 4)
		if finite(w.BurnRate) {
			r.W = math.Max(0, x(w.BurnRate)-c.Plot.X)
		}
		for _, a := range st.Alerts {
			if a.Long != w.Window && a.Short != w.Window {
				continue
			}
			r.Marks = append(r.Marks, barMark{
				X: x(a.Factor), Y1: r.Y - 3, Y2: r.Y + r.H + 3, Class: string(a.Severity),
				Title: string(a.Severity) + " above " + burn(a.Factor) + " (rule " + burnrate.FormatWindow(a.Long) + " and " + burnrate.FormatWindow(a.Short) + ")",
			})
		}
		// The value goes right of the bar and of its marks.
		end := c.Plot.X + r.W
		for _, m := range r.Marks {
			end = math.Max(end, m.X)
		}
		r.ValueX = round1(end + 6)
		c.Rows = append(c.Rows, r)
	}
	return c
}

// The bar chart turns to a log scale when its largest burn rate is more
// than logBarsAbove times its smallest (or 1); the scale starts at
// logBarsFloor.
const (
	logBarsAbove = 50
	logBarsFloor = 0.1
)

// barClass colours a window's bar: above a threshold of a rule that reads
// the window, above 1, or neither.
func barClass(st *burnrate.Status, w burnrate.WindowStatus) string {
	class := "bar-ok"
	if w.BurnRate > 1 {
		class = "bar-warn"
	}
	for _, a := range st.Alerts {
		if (a.Long == w.Window || a.Short == w.Window) && w.BurnRate > a.Factor {
			return "bar-over"
		}
	}
	return class
}

// timeline is an SVG strip of incidents over the chart span, one lane per
// severity.
type timeline struct {
	ID, Title, Desc string
	Width, Height   float64
	Plot            box
	Lanes           []lane
	XTicks          []tick
	NowX            float64
}

type lane struct {
	Label string
	Y, H  float64
	TextY float64
	Spans []timeSpan
}

type timeSpan struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

// timelineItem is an incident to draw.
type timelineItem struct {
	lane, class, title string
	from, to           time.Time
}

func newTimeline(id string, from, to, now time.Time, items []timelineItem) timeline {
	c := timeline{
		ID: id, Width: chartWidth, Title: "Alert history",
		Desc: "Incidents of this SLO over the chart span, one lane per severity.",
	}
	lanes := []string{"page", "ticket", "other"}
	c.Plot = box{X: marginLeft, Y: 8, W: chartWidth - marginLeft - marginRight, H: 22 * float64(len(lanes))}
	c.Height = c.Plot.Bottom() + 26
	span := to.Sub(from)
	if span <= 0 {
		span = time.Minute
	}
	x := func(t time.Time) float64 {
		f := math.Min(1, math.Max(0, float64(t.Sub(from))/float64(span)))
		return round1(c.Plot.X + f*c.Plot.W)
	}
	for i, name := range lanes {
		l := lane{Label: name, Y: c.Plot.Y + float64(i)*22 + 3, H: 16}
		l.TextY = l.Y + 12
		for _, it := range items {
			if it.lane != name || it.to.Before(from) || it.from.After(to) {
				continue
			}
			x0, x1 := x(it.from), x(it.to)
			l.Spans = append(l.Spans, timeSpan{X: x0, Y: l.Y, W: math.Max(2, x1-x0), H: l.H, Class: it.class, Title: it.title})
		}
		c.Lanes = append(c.Lanes, l)
	}
	c.XTicks = timeTicks(from, to, x)
	if now.After(from) && now.Before(to) {
		c.NowX = x(now)
	}
	return c
}
