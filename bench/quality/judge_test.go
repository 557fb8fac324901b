package quality_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/bench/internal/report"
	"github.com/burnwatch/burnwatch/bench/internal/timeline"
	"github.com/burnwatch/burnwatch/slo"
)

// detectionSlack is what the detection target allows over the floor: one
// evaluation interval and one scrape interval.
const detectionSlack = evalStep + scrape

// judgeAll scores both detectors on every scenario and renders the
// quality section of the report.
func judgeAll(t *testing.T, runs []*run, t0 time.Time, bw, sloth map[string]timeline.Timeline) string {
	var b strings.Builder
	b.WriteString("## Alert quality\n\n")
	fmt.Fprintf(&b, "%d synthetic incidents, each in its own service of one real Prometheus 2.42 backfilled with span metrics (one scrape every %s, %s after the half minute; 3 days 6 hours of clean traffic first; each incident starts on the hour, T0). ", len(runs), report.Duration(scrape), report.Duration(scrapeOffset))
	fmt.Fprintf(&b, "Both detectors decide at the same instants: every %s (%s after a scrape) from 5 minutes before the incidents until 13 hours after their start and from 62 to 68 hours, and every 10 minutes over the rest of the week-long scenarios, each scenario until 7 hours after its incident ends. ", report.Duration(evalStep), report.Duration(evalLag))
	b.WriteString("burnwatch evaluates native span-metrics SLIs through prom.NewHTTP; Sloth's rules for the equivalent events SLI are evaluated by Prometheus at the same instants (recording rules as range queries, alert expressions over the records). SLOs are 99.9% over 30 days with the workbook policy.\n\n")
	b.WriteString("Ground truth: an incident deserves a tier when, at some scrape, the exact burn rate over one of the tier's long windows (counted from the generated events) reached that rule's factor, i.e. the incident consumed at least the rule's budget share (page: 2% in 1h or 5% in 6h; ticket: 10% in 1d or 10% in 3d). ")
	fmt.Fprintf(&b, "Floor: (1 − objective) × long window × factor / error ratio for the tier's quickest rule, for incidents with a constant error ratio. Detection target: at most floor + %s (one evaluation and one scrape interval). Detection is counted from the incident's start to the first firing instant; reset from its end to the first instant that no longer fires after the last that did.\n\n", report.Duration(detectionSlack))

	var tallies [2][2]tally // [tier][burnwatch, Sloth]
	notWorse, detectOK, detectN := 0, 0, 0
	for tier, sev := range []slo.Severity{slo.Page, slo.Ticket} {
		var tb report.Table
		tb.Header = []string{"scenario", "deserves " + string(sev), "floor", "burnwatch", "detected", "reset", "episodes", "Sloth", "detected", "reset", "episodes", "burnwatch ≤ floor + 1m"}
		for _, r := range runs {
			start, end := t0.Add(r.start), t0.Add(r.end)
			truth := worthy(r.counts, t0, r.horizon(), sev)
			vb := judge(bw[r.service+"/availability"], r.instants, start, end, sev)
			vs := judge(sloth[r.service], r.instants, start, end, sev)
			ob, os := outcome(vb.fired, truth), outcome(vs.fired, truth)
			tallies[tier][0].add(ob)
			tallies[tier][1].add(os)
			if !(ob == "FP" && os == "TN") && !(ob == "FN" && os == "TP") {
				notWorse++
			}
			fl := time.Duration(-1)
			if r.ratio > 0 && truth {
				fl = floor(r.ratio, sev)
			}
			target := "—"
			if fl >= 0 && vb.fired {
				detectN++
				target = fmt.Sprintf("no (%s)", report.Signed(vb.detected-fl))
				if vb.detected <= fl+detectionSlack {
					detectOK++
					target = fmt.Sprintf("yes (%s)", report.Signed(vb.detected-fl))
				}
			}
			tb.Row(r.name, yesNo(truth), report.Duration(fl),
				ob, detected(vb), reset(vb), fmt.Sprint(vb.episodes),
				os, detected(vs), reset(vs), fmt.Sprint(vs.episodes), target)
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
	fmt.Fprintf(&b, "### Precision and recall\n\n%s\n", sum.String())
	fmt.Fprintf(&b, "- Target \"precision and recall ≥ Sloth's on every scenario\": burnwatch is no worse than Sloth on %d of %d scenario tiers (no false alert where Sloth had none, no miss where Sloth detected).\n", notWorse, 2*len(runs))
	fmt.Fprintf(&b, "- Target \"detection ≤ floor + one evaluation interval + one scrape interval\": met on %d of %d detections with a floor.\n", detectOK, detectN)
	b.WriteString("\nNotes on the scenarios:\n\n")
	for _, r := range runs {
		if r.note != "" {
			fmt.Fprintf(&b, "- %s %s.\n", r.name, r.note)
		}
	}
	t.Logf("no worse than Sloth on %d of %d scenario tiers; detection target met on %d of %d", notWorse, 2*len(runs), detectOK, detectN)
	return b.String()
}

func detected(v verdict) string {
	if !v.fired {
		return "—"
	}
	if v.early {
		return "before the start"
	}
	return report.Duration(v.detected)
}

func reset(v verdict) string {
	switch {
	case !v.fired:
		return "—"
	case v.stillFiring:
		return "still firing"
	case v.reset < 0:
		return report.Signed(v.reset) + " (before the end)"
	}
	return report.Duration(v.reset)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func pct(x float64) string {
	if x != x {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", 100*x)
}
