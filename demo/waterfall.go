package demo

import (
	"fmt"
	"math"
	"time"
)

// Waterfall geometry, in SVG user units.
const (
	wfWidth    = 1100
	wfLabelW   = 330 // span labels left of the bars
	wfBarsW    = 640
	wfDurX     = wfWidth - 10 // right edge of the duration column
	wfRowH     = 28
	wfAxisH    = 30
	wfIndent   = 14
	hotSelfMin = time.Second // a span owning this much of its own time is the culprit
)

// waterfall is a trace laid out for the trace view: one row per span, bars
// on a shared time axis.
type waterfall struct {
	Width, Height int
	LabelW, BarsX int
	BarsW         int
	DurX          int
	// Seconds is the trace's duration, for readers of the page.
	Seconds float64
	Ticks   []wfTick
	Rows    []wfRow
	// Hot is the span that owns the latency, if one does.
	Hot *wfRow
}

type wfTick struct {
	X     float64
	Label string
}

type wfRow struct {
	Y, TextY                    int
	LabelX                      int
	Service, Name, Kind         string
	X, W                        float64
	Class                       string
	Duration, Start, Self, Note string
	Failed, Hot, Odd            bool
}

// layout lays out a trace: spans in order, indented by depth, the span
// with the most time of its own marked hot when it holds a second or more.
func layout(t *trace) *waterfall {
	total := t.duration()
	w := &waterfall{
		Width: wfWidth, LabelW: wfLabelW, BarsX: wfLabelW + 10, BarsW: wfBarsW, DurX: wfDurX,
		Height:  wfAxisH + len(t.spans)*wfRowH + 8,
		Seconds: total.Seconds(),
	}
	scale := float64(wfBarsW) / float64(total)
	depth := map[string]int{}
	hot := -1
	var hotSelf time.Duration
	for i, s := range t.spans {
		d := 0
		if s.parent != "" {
			d = depth[s.parent] + 1
		}
		depth[s.id] = d
		self := s.duration
		for _, c := range t.spans {
			if c.parent == s.id {
				self -= c.duration
			}
		}
		y := wfAxisH + i*wfRowH
		row := wfRow{
			Y: y, TextY: y + wfRowH/2 + 5, LabelX: 8 + d*wfIndent,
			Service: s.service, Name: s.name, Kind: s.kind,
			X:        float64(w.BarsX) + float64(s.start)*scale,
			W:        math.Max(1, float64(s.duration)*scale),
			Duration: formatDuration(s.duration), Start: formatDuration(s.start), Self: formatDuration(self),
			Note: s.note, Failed: s.failed, Odd: i%2 == 1,
		}
		row.Class = "bar"
		if s.failed {
			row.Class += " failed"
		}
		w.Rows = append(w.Rows, row)
		if self >= hotSelfMin && self > hotSelf {
			hot, hotSelf = i, self
		}
	}
	if hot >= 0 {
		w.Rows[hot].Hot = true
		w.Rows[hot].Class += " hot"
		w.Hot = &w.Rows[hot]
	}
	step := tickStep(total)
	for at := time.Duration(0); at <= total; at += step {
		w.Ticks = append(w.Ticks, wfTick{X: float64(w.BarsX) + float64(at)*scale, Label: formatDuration(at)})
	}
	return w
}

// tickStep picks 1, 2 or 5 times a power of ten so that the axis has at
// most eight ticks.
func tickStep(total time.Duration) time.Duration {
	step := time.Microsecond
	for {
		for _, m := range []time.Duration{1, 2, 5} {
			if total/(step*m) <= 8 {
				return step * m
			}
		}
		step *= 10
	}
}

// formatDuration writes a span duration the way trace viewers do: "840 µs",
// "123 ms", "3.21 s".
func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	default:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}
