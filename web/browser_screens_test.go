package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/web"
)

// The screens test opens every page at a desktop width and at a phone's,
// over the distribution fixture (a page firing on checkout's latency for
// the last 20 minutes), with the exemplar source wired as the daemon does.
// Screenshots go to $BURNWATCH_ARTIFACTS (a temporary directory when
// unset), named by page and width.

// wideElements lists the elements wider than the viewport, the document's
// own width first.
const wideElements = `(() => {
  const w = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > w) out.push('document ' + document.documentElement.scrollWidth + 'px');
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > w + 0.5 || r.left < -0.5)) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined ? '.' + String(el.className).split(' ').join('.') : '') + ' ' + Math.round(r.left) + '..' + Math.round(r.right) + 'px');
    }
  }
  return out.slice(0, 12);
})()`

func TestPagesFitTheScreenInChromium(t *testing.T) {
	ctx := startChromium(t)
	at := time.Now().UTC().Truncate(time.Minute)
	engine, snap := distributionEngine(t, at)
	snap.Incidents[0].Deliveries = fixtureSnapshot(t).Incidents[0].Deliveries
	snap.Incidents[0].Traces = fixtureSnapshot(t).Incidents[0].Traces
	h, err := web.New(web.Options{
		Snapshot: func() *web.Snapshot { return snap }, Querier: engine, Exemplars: prom.Exemplars(engine),
		Logger: slog.New(slog.DiscardHandler), Refresh: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := newLoopbackServer(t, h)
	artifacts := artifactDir(t)
	pages := []struct{ name, path, ready string }{
		{"overview", "/", "table.slos"},
		{"detail", "/slo/checkout/requests-latency", "#distribution"},
		{"detail-errors", "/slo/checkout/requests-availability", "#distribution"},
		{"alerts", "/alerts", "article.incident"},
	}
	for _, width := range []int64{1400, 400} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			t.Run(fmt.Sprintf("%s at %dpx", p.name, width), func(t *testing.T) {
				if err := chromedp.Do(ctx, chromedp.Navigate(srv+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready))); err != nil {
					t.Fatal(err)
				}
				if wide := evaluate[[]string](t, ctx, wideElements); len(wide) > 0 {
					t.Errorf("wider than the %dpx viewport: %s", width, strings.Join(wide, "; "))
				}
				checkNoScriptRan(t, ctx, p.name)
				screenshot(t, ctx, artifacts, fmt.Sprintf("%s-%d.png", p.name, width))
			})
		}
	}
	// In a dark room the page is dark.
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
		return err
	}), chromedp.Navigate(srv+"/slo/checkout/requests-latency"), chromedp.WaitVisible(chromedp.CSS("#distribution"))); err != nil {
		t.Fatal(err)
	}
	if got := evaluate[string](t, ctx, `getComputedStyle(document.documentElement).backgroundColor`); got != "rgb(12, 17, 29)" {
		t.Errorf("with prefers-color-scheme: dark the page background is %s", got)
	}
	screenshot(t, ctx, artifacts, "detail-dark-400.png")

	// On a phone the overview still says what each number is.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(400, 900), chromedp.Navigate(srv+"/"), chromedp.WaitVisible(chromedp.CSS("table.slos"))); err != nil {
		t.Fatal(err)
	}
	// What a reader sees: the cells' labels (drawn before them) and text.
	labels := evaluate[string](t, ctx, `[...document.querySelector('table.slos tbody tr').cells].map(td => getComputedStyle(td, '::before').content + ' ' + td.innerText).join('\n')`)
	for _, want := range []string{"Objective", "Budget remaining", "Burn rate", "Budget lasts"} {
		if !strings.Contains(labels, want) {
			t.Errorf("at 400px an overview row does not say %q: %q", want, labels)
		}
	}
}

// overflowingCells lists the overview cells whose content reaches past
// their edges.
const overflowingCells = `[...document.querySelectorAll('table.slos td')].flatMap(td => {
  const box = td.getBoundingClientRect();
  const out = [];
  for (const el of td.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > box.right + 0.5 || r.left < box.left - 0.5)) {
      out.push(td.closest('tr').dataset.slo + ' ' + (td.dataset.label || td.className) + ': ' + el.tagName.toLowerCase() + ' ' + Math.round(r.left) + '..' + Math.round(r.right) + ' in ' + Math.round(box.left) + '..' + Math.round(box.right));
    }
  }
  return out;
})`

func TestOverviewCellsHoldTheirContentInChromium(t *testing.T) {
	ctx := startChromium(t)
	snap := urgencySnapshot(t)
	srv := newDashboard(t, snap, nil)
	artifacts := artifactDir(t)
	for _, width := range []int64{1400, 1000, 400} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(srv+"/?group=none"), chromedp.WaitVisible(chromedp.CSS("table.slos"))); err != nil {
			t.Fatal(err)
		}
		if over := evaluate[[]string](t, ctx, overflowingCells); len(over) > 0 {
			t.Errorf("at %dpx, content past its cell: %s", width, strings.Join(over, "; "))
		}
		screenshot(t, ctx, artifacts, fmt.Sprintf("overview-budgets-%d.png", width))
	}
}
