package quality_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/bench/internal/report"
	"github.com/burnwatch/burnwatch/bench/internal/spanmetrics"
	"github.com/burnwatch/burnwatch/bench/internal/timeline"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/promtest"
	"github.com/burnwatch/burnwatch/slo"
)

// TestLowTrafficAlertQuality runs the low-traffic set like the main suite
// (one real Prometheus, Sloth's rules beside burnwatch at the same
// instants, every 30 s) and checks the low-traffic target: burnwatch's
// page precision strictly above Sloth's, and every deserved alert that
// Sloth raises raised by burnwatch too.
func TestLowTrafficAlertQuality(t *testing.T) {
	dir := report.Dir(t)
	slothrules := report.SlothRules(t)
	ctx := context.Background()
	sets := lowTrafficScenarios()
	var longest time.Duration
	for _, lt := range sets {
		longest = max(longest, lt.horizon())
	}
	t0 := time.Now().Truncate(24 * time.Hour).Add(-2 * 24 * time.Hour)

	var w spanmetrics.Writer
	var runs []*run
	for _, lt := range sets {
		runs = append(runs, &run{scenario: lt.scenario, counts: write(&w, lt.scenario, t0)})
	}
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	src := promtest.Start(t, promtest.Options{Backfill: text})
	lag := scrapeOffset + evalLag
	grid := timeline.Segment{Start: t0.Add(lag - 5*mins), End: t0.Add(longest), Step: evalStep}
	for _, r := range runs {
		if s, ok := clip(grid, t0.Add(-5*mins), t0.Add(r.horizon())); ok {
			r.segs = []timeline.Segment{s}
		}
		r.instants = timeline.Instants(r.segs...)
	}
	sloth := slothTimelines(t, ctx, slothrules, src, runs)
	bw, _, err := timeline.Burnwatch(ctx, burnrate.Options{}, 2, src.Querier(), loadSLOs(t, runs), timeline.Instants(grid))
	if err != nil {
		t.Fatal(err)
	}

	var b strings.Builder
	b.WriteString("## Alert quality on low traffic\n\n")
	b.WriteString("The low-traffic set, run like the suite above (same warmup, scrapes and instants, 99.9% over 30 days, Sloth's rules beside burnwatch's default policy with `low_traffic_confidence: 0.5`). Its ground truth is stated per scenario: a page is deserved when the failures are more than sampling at the page factor explains, a ticket when a day's budget share is spent.\n\n")
	var tallies [2][2]tally
	missed := 0
	for tier, sev := range []slo.Severity{slo.Page, slo.Ticket} {
		var tb report.Table
		tb.Header = []string{"scenario", "deserves " + string(sev), "burnwatch", "detected", "Sloth", "detected"}
		for i, r := range runs {
			truth := sets[i].page
			if sev == slo.Ticket {
				truth = sets[i].ticket
			}
			start, end := t0.Add(r.start), t0.Add(r.end)
			vb := judge(bw[r.service+"/availability"], r.instants, start, end, sev)
			vs := judge(sloth[r.service], r.instants, start, end, sev)
			ob, os := outcome(vb.fired, truth), outcome(vs.fired, truth)
			tallies[tier][0].add(ob)
			tallies[tier][1].add(os)
			if ob == "FN" && os == "TP" {
				missed++
				t.Errorf("%s: burnwatch misses the %s that Sloth raises", r.name, sev)
			}
			tb.Row(r.name, yesNo(truth), ob, detected(vb), os, detected(vs))
		}
		fmt.Fprintf(&b, "### %s\n\n%s\n", strings.ToUpper(string(sev[:1]))+string(sev[1:]), tb.String())
	}
	var sum report.Table
	sum.Header = []string{"tier", "detector", "TP", "FP", "FN", "TN", "precision", "recall"}
	for tier, sev := range []slo.Severity{slo.Page, slo.Ticket} {
		for d, name := range []string{"burnwatch", "Sloth v0.16.0 rules"} {
			tl := tallies[tier][d]
			sum.Row(string(sev), name, fmt.Sprint(tl.tp), fmt.Sprint(tl.fp), fmt.Sprint(tl.fn), fmt.Sprint(tl.tn), pct(tl.precision()), pct(tl.recall()))
		}
	}
	fmt.Fprintf(&b, "### Precision and recall on low traffic\n\n%s\nNotes:\n\n", sum.String())
	for _, r := range runs {
		if r.note != "" {
			fmt.Fprintf(&b, "- %s %s.\n", r.name, r.note)
		}
	}
	bwPage, slothPage := tallies[0][0].precision(), tallies[0][1].precision()
	if !(bwPage > slothPage) {
		t.Errorf("page precision %s for burnwatch, %s for Sloth: not strictly higher", pct(bwPage), pct(slothPage))
	}
	t.Logf("page precision %s against Sloth's %s; %d deserved alerts missed where Sloth raised them", pct(bwPage), pct(slothPage), missed)
	report.Write(t, dir, "quality-low-traffic", b.String())
}
