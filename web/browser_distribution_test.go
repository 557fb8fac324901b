package web_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/web"
)

// TestFromTheDistributionToTheSlowTraceInChromium is the walk of an
// incident: the SLO's page opens on the distribution since shortly before
// the incident, the slow band is there, a point above the threshold opens
// its trace, and the range control changes the span of every chart.
func TestFromTheDistributionToTheSlowTraceInChromium(t *testing.T) {
	ctx := startChromium(t)
	// A trace viewer on 127.0.0.1 that names the trace it shows.
	viewer := http.NewServeMux()
	viewer.HandleFunc("/trace/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!DOCTYPE html><title>trace</title><h1 id=trace>%s</h1>", r.PathValue("id"))
	})
	traces := newLoopbackServer(t, viewer)
	at := time.Now().UTC().Truncate(time.Minute)
	engine, snap := distributionEngineWithTraces(t, at, traces)
	h, err := web.New(web.Options{
		Snapshot: func() *web.Snapshot { return snap }, Querier: engine, Exemplars: prom.Exemplars(engine),
		Logger: slog.New(slog.DiscardHandler), Refresh: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := newLoopbackServer(t, h)
	artifacts := artifactDir(t)

	for _, width := range []int64{1400, 400} {
		t.Run(fmt.Sprintf("at %dpx", width), func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 1000), chromedp.Navigate(srv+"/slo/checkout/requests-latency"), chromedp.WaitVisible(chromedp.CSS("svg#chart-distribution"))); err != nil {
				t.Fatal(err)
			}
			if n := evaluate[int](t, ctx, `document.querySelectorAll('#chart-distribution .cells rect').length`); n < 50 {
				t.Errorf("the heatmap has %d cells", n)
			}
			// The points above the threshold line are the links.
			above := evaluate[[]bool](t, ctx, `(() => {
			  const y = +document.querySelector('#chart-distribution line.threshold').getAttribute('y1');
			  return [...document.querySelectorAll('#chart-distribution circle.exemplar')].map(c => (+c.getAttribute('cy') < y) === !!c.closest('a'));
			})()`)
			if len(above) == 0 {
				t.Fatal("no exemplar point on the heatmap")
			}
			for i, ok := range above {
				if !ok {
					t.Errorf("exemplar %d: linked is not the same as above the threshold", i)
				}
			}
			// A point to tap, and ticks to read, on a phone too.
			if w := evaluate[float64](t, ctx, `document.querySelector('#chart-distribution a circle').getBoundingClientRect().width`); w < 8 {
				t.Errorf("a linked exemplar is %.1fpx wide on screen", w)
			}
			if px := evaluate[float64](t, ctx, `(() => { const s = document.querySelector('#chart-distribution'); return parseFloat(getComputedStyle(s.querySelector('text.tick')).fontSize) * s.getBoundingClientRect().width / s.viewBox.baseVal.width; })()`); px < 8 {
				t.Errorf("the heatmap's tick labels are %.1fpx on screen", px)
			}
			checkNoScriptRan(t, ctx, "SLO page")
			screenshot(t, ctx, artifacts, fmt.Sprintf("distribution-%d.png", width))

			// The latest slow point opens its trace.
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#chart-distribution a[href$="`+slowTrace(1)+`"] circle`)), chromedp.WaitVisible(chromedp.CSS("#trace"))); err != nil {
				t.Fatal(err)
			}
			if got := evaluate[string](t, ctx, `document.querySelector('#trace').textContent`); got != slowTrace(1) {
				t.Errorf("the point opened trace %q, want %q", got, slowTrace(1))
			}
		})
	}

	// The range control: from the incident's default to the last 6 hours.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 1000), chromedp.Navigate(srv+"/slo/checkout/requests-latency"), chromedp.WaitVisible(chromedp.CSS("svg#chart-distribution"))); err != nil {
		t.Fatal(err)
	}
	axisSpan := `(() => { const t = [...document.querySelectorAll('#ID .axis text.tick[text-anchor="middle"]')].map(e => e.textContent); return t[0] + '..' + t[t.length - 1]; })()`
	before := map[string]string{}
	for _, id := range []string{"chart-distribution", "chart-burn", "chart-error-ratio", "chart-budget"} {
		before[id] = evaluate[string](t, ctx, strings.ReplaceAll(axisSpan, "ID", id))
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.range-presets a[href$="range=6h"]`)), chromedp.WaitVisible(chromedp.CSS(`.range-presets a[aria-current][href$="range=6h"]`))); err != nil {
		t.Fatal(err)
	}
	for id, was := range before {
		now := evaluate[string](t, ctx, strings.ReplaceAll(axisSpan, "ID", id))
		if now == was {
			t.Errorf("%s: the x axis still spans %s after choosing 6h", id, now)
		}
	}
	if got := evaluate[string](t, ctx, `document.querySelector('p.range-now').textContent`); !strings.Contains(got, "(6h)") {
		t.Errorf("the page says %q after choosing 6h", got)
	}
	screenshot(t, ctx, artifacts, "distribution-6h-1400.png")
}
