package web_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/web"
)

// reloaded waits up to `within` for the page to load again: for the
// marker set on the old document to be gone.
func reloaded(t *testing.T, ctx context.Context, within time.Duration) bool {
	t.Helper()
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__before === 1`))
		if err == nil && !v {
			return true
		}
	}
	return false
}

func TestReloadingKeepsYourPlaceAndCanBePausedInChromium(t *testing.T) {
	ctx := startChromium(t)
	at := time.Now().UTC().Truncate(time.Minute)
	engine, snap := distributionEngine(t, at)
	h, err := web.New(web.Options{
		Snapshot: func() *web.Snapshot { return snap }, Querier: engine, Exemplars: prom.Exemplars(engine),
		Logger: slog.New(slog.DiscardHandler), Refresh: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := newLoopbackServer(t, h)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv+"/slo/checkout/requests-latency?range=6h"), chromedp.WaitVisible(chromedp.CSS("#spec details"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#spec details summary"))); err != nil {
		t.Fatal(err)
	}
	evaluate[int](t, ctx, `window.__before = 1`)
	if !reloaded(t, ctx, 5*time.Second) {
		t.Fatal("the page did not reload within 5s with a 1s refresh")
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#spec details"))); err != nil {
		t.Fatal(err)
	}
	if !evaluate[bool](t, ctx, `document.querySelector('#spec details').open`) {
		t.Error("the section opened before the reload is closed after it")
	}
	if got := evaluate[string](t, ctx, `location.search`); got != "?range=6h" {
		t.Errorf("the reload lost the range: %q", got)
	}
	checkNoScriptRan(t, ctx, "reloaded SLO page")

	// Paused, it stays.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("header.top button.pause"))); err != nil {
		t.Fatal(err)
	}
	evaluate[int](t, ctx, `window.__before = 1`)
	if reloaded(t, ctx, 3*time.Second) {
		t.Error("the page reloaded while paused")
	}
	if got := evaluate[string](t, ctx, `document.querySelector('header.top button.pause').textContent`); got != "Resume reloading" {
		t.Errorf("the pause button reads %q while paused", got)
	}
}

func TestWithoutJavaScriptPagesStillReloadAndShowEverything(t *testing.T) {
	ctx := startChromium(t)
	at := time.Now().UTC().Truncate(time.Minute)
	engine, snap := distributionEngine(t, at)
	h, err := web.New(web.Options{
		Snapshot: func() *web.Snapshot { return snap }, Querier: engine, Exemplars: prom.Exemplars(engine),
		Logger: slog.New(slog.DiscardHandler), Refresh: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := newLoopbackServer(t, h)
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}), chromedp.Navigate(srv+"/slo/checkout/requests-latency"), chromedp.WaitVisible(chromedp.CSS("svg#chart-distribution")))
	if err != nil {
		t.Fatal(err)
	}
	if n := evaluate[int](t, ctx, `document.querySelectorAll('#chart-distribution a circle.ex-bad').length`); n == 0 {
		t.Error("without JavaScript the distribution has no linked exemplar")
	}
	if evaluate[bool](t, ctx, `!!document.querySelector('button.pause')`) {
		t.Error("without JavaScript the page shows a pause button that cannot work")
	}
	evaluate[int](t, ctx, `window.__before = 1`)
	if !reloaded(t, ctx, 5*time.Second) {
		t.Error("without JavaScript the page does not reload")
	}
}
