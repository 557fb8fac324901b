package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/burnwatch/burnwatch/slo"
)

// TestGroupedSLOsFitTheOverviewInChromium draws a grouped SLO whose span
// names are long, at 1400 and 400 px: the group's head row comes before
// its members, nothing is wider than the viewport, every cell holds its
// content, and a member's link opens its page.
func TestGroupedSLOsFitTheOverviewInChromium(t *testing.T) {
	ctx := startChromium(t)
	snap := groupedUrgencySnapshot(t)
	base := *snap.Statuses[len(snap.Statuses)-1].SLO
	long, err := slo.ExpandGroup(&slo.SLO{ID: base.Group.ID, Name: base.Name, Service: base.Service, Team: base.Team,
		Objective: base.Objective, Period: base.Period, SLI: base.SLI, GroupBy: []string{"span_name"}},
		[]string{"GET /api/v1/inventory/warehouses/{warehouse_id}/shelves/{shelf_id}/items?include=reservations,history/"})
	if err != nil {
		t.Fatal(err)
	}
	snap.Statuses = append(snap.Statuses, fakeStatus(long, 0.4, constant(0.3)))
	srv := newDashboard(t, snap, nil)
	artifacts := artifactDir(t)
	for _, width := range []int64{1400, 400} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(srv+"/?group=none"), chromedp.WaitVisible(chromedp.CSS("tr.slo-group"))); err != nil {
			t.Fatal(err)
		}
		if wide := evaluate[[]string](t, ctx, wideElements); len(wide) > 0 {
			t.Errorf("at %dpx, wider than the viewport: %s", width, strings.Join(wide, "; "))
		}
		if over := evaluate[[]string](t, ctx, overflowingCells); len(over) > 0 {
			t.Errorf("at %dpx, content past its cell: %s", width, strings.Join(over, "; "))
		}
		next := evaluate[string](t, ctx, `document.querySelector('tr.slo-group').nextElementSibling.dataset.slo`)
		if next != "inventory/idle/GET /" {
			t.Errorf("at %dpx, the row after the group's head is %q, want its most urgent member", width, next)
		}
		screenshot(t, ctx, artifacts, fmt.Sprintf("overview-groups-%d.png", width))
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`tr.slo-group + tr td.slo a`)), chromedp.WaitVisible(chromedp.CSS("h1.slo-title"))); err != nil {
		t.Fatal(err)
	}
	if got := evaluate[string](t, ctx, `document.querySelector('h1.slo-title').lastChild.textContent.trim()`); got != "inventory/idle/GET /" {
		t.Errorf("the member's link opened the page of %q", got)
	}
}
