package quality_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/bench/internal/report"
	"github.com/burnwatch/burnwatch/bench/internal/slotheval"
	"github.com/burnwatch/burnwatch/bench/internal/spanmetrics"
	"github.com/burnwatch/burnwatch/bench/internal/timeline"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/promtest"
	"github.com/burnwatch/burnwatch/slo"
)

// run is one scenario on the shared timeline.
type run struct {
	scenario
	counts   *spanmetrics.Counts
	segs     []timeline.Segment
	instants []time.Time
	rules    *slotheval.Rules
}

func TestAlertQuality(t *testing.T) {
	dir := report.Dir(t)
	slothrules := report.SlothRules(t)
	ctx := context.Background()
	began := time.Now()
	var longest time.Duration
	for _, sc := range scenarios() {
		longest = max(longest, sc.horizon())
	}
	t0 := time.Now().Truncate(time.Hour).Add(-longest - time.Hour)

	// The series of every scenario, each in its own service.
	var w spanmetrics.Writer
	var runs []*run
	for _, sc := range scenarios() {
		runs = append(runs, &run{scenario: sc, counts: write(&w, sc, t0)})
	}
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	src := promtest.Start(t, promtest.Options{Backfill: text})
	t.Logf("backfilled %d scenarios (%d MiB of OpenMetrics) in %s", len(runs), len(text)>>20, time.Since(began).Round(time.Second))

	// The instants: every 30 s around the short incidents and around the
	// leak's expected detection, every 10 minutes elsewhere.
	lag := scrapeOffset + evalLag
	grid := []timeline.Segment{
		{Start: t0.Add(lag - 5*mins), End: t0.Add(13 * hour), Step: evalStep},
		{Start: t0.Add(lag + 62*hour), End: t0.Add(68 * hour), Step: evalStep},
		{Start: t0.Add(lag - 5*mins), End: t0.Add(longest), Step: 10 * mins},
	}
	for _, r := range runs {
		for _, seg := range grid {
			if s, ok := clip(seg, t0.Add(-5*mins), t0.Add(r.horizon())); ok {
				r.segs = append(r.segs, s)
			}
		}
		r.instants = timeline.Instants(r.segs...)
	}

	// Sloth: its rules for each scenario's spec, recorded on src at the
	// scenario's instants, alerts evaluated on dst over the records.
	began = time.Now()
	sloth := slothTimelines(t, ctx, slothrules, src, runs)
	slothTime := time.Since(began)

	// burnwatch: every scenario's SLO in one evaluator, stepped through
	// every instant, through prom.NewHTTP against the same Prometheus.
	began = time.Now()
	slos := loadSLOs(t, runs)
	all := timeline.Instants(grid...)
	bw, queries, err := timeline.Burnwatch(ctx, burnrate.Options{}, 2, src.Querier(), slos, all)
	if err != nil {
		t.Fatal(err)
	}
	bwTime := time.Since(began)
	t.Logf("Sloth's rules recorded and evaluated in %s; burnwatch evaluated %d instants in %s, %.1f queries per cycle",
		slothTime.Round(time.Second), len(all), bwTime.Round(time.Second), float64(queries)/float64(len(all)))

	md := judgeAll(t, runs, t0, bw, sloth)
	md += fmt.Sprintf("\nburnwatch evaluated all %d scenario SLOs together at %d instants, %.1f queries per cycle (merged by service_name, long windows tiled), in %s; Sloth's %d recording rules were evaluated at each scenario's instants and its alerts over their records in %s.\n",
		len(runs), len(all), float64(queries)/float64(len(all)), bwTime.Round(time.Second), countRecording(runs), slothTime.Round(time.Second))
	report.Write(t, dir, "quality", md)
}

// slothTimelines generates Sloth's rules for each run's spec, records them
// on src at the run's instants and evaluates the alerts over the records
// in a Prometheus of their own: Sloth's decisions, by service.
func slothTimelines(t *testing.T, ctx context.Context, slothrules string, src *promtest.Server, runs []*run) map[string]timeline.Timeline {
	t.Helper()
	ruleFiles := generateSlothRules(t, slothrules, runs)
	var recorded promtest.OpenMetricsWriter
	for _, r := range runs {
		data, err := os.ReadFile(ruleFiles[r.service])
		if err != nil {
			t.Fatal(err)
		}
		if r.rules, err = slotheval.Parse(data); err != nil {
			t.Fatalf("%s: %v", r.service, err)
		}
		if err := slotheval.Record(ctx, src.Querier(), r.rules, r.segs, &recorded); err != nil {
			t.Fatalf("%s: %v", r.service, err)
		}
	}
	recText, err := recorded.Text()
	if err != nil {
		t.Fatal(err)
	}
	dst := promtest.Start(t, promtest.Options{Backfill: recText, ExtraFlags: []string{"--query.lookback-delta=1s"}})
	sloth := map[string]timeline.Timeline{}
	for _, r := range runs {
		got, err := slotheval.Alerts(ctx, dst.Querier(), r.rules, r.segs)
		if err != nil {
			t.Fatalf("%s: %v", r.service, err)
		}
		sloth[r.service] = got[r.service+"-availability"]
	}
	return sloth
}

// write writes a scenario's series and returns its ground truth.
func write(w *spanmetrics.Writer, sc scenario, t0 time.Time) *spanmetrics.Counts {
	// The history starts scrapeOffset after T0 − warmup; its second s is
	// second s − w0 of the scenario.
	shift := func(d time.Duration) time.Duration { return d + warmup - scrapeOffset }
	sh := spanmetrics.Shape{Start: t0.Add(-warmup + scrapeOffset), Length: warmup + sc.horizon() - scrapeOffset, Scrape: scrape}
	for _, r := range sc.resets {
		sh.Resets = append(sh.Resets, shift(r))
	}
	for _, g := range sc.gaps {
		sh.Gaps = append(sh.Gaps, spanmetrics.Gap{From: shift(g.From), To: shift(g.To)})
	}
	w0 := int((warmup - scrapeOffset) / sec)
	profile := func(s int) (float64, float64) {
		if sc.newService && s < w0 {
			return 0, 0
		}
		return sc.traffic(s - w0)
	}
	if sc.newService {
		sh.From = shift(0)
	}
	labels := map[string]string{"service_name": sc.service, "span_name": "GET /", "span_kind": "SPAN_KIND_SERVER"}
	if sc.latency {
		return w.WriteLatency(labels, profile, sh)
	}
	return w.WriteCalls(labels, profile, sh)
}

// clip keeps the instants of seg within [lo, hi].
func clip(seg timeline.Segment, lo, hi time.Time) (timeline.Segment, bool) {
	if seg.Start.Before(lo) {
		n := (lo.Sub(seg.Start) + seg.Step - 1) / seg.Step
		seg.Start = seg.Start.Add(n * seg.Step)
	}
	if seg.End.After(hi) {
		seg.End = hi
	}
	return seg, !seg.Start.After(seg.End)
}

// sli returns the burnwatch SLI and Sloth's events queries of a scenario.
func sli(sc scenario) (native, errorQuery, totalQuery string) {
	sel := fmt.Sprintf(`service_name=%q`, sc.service)
	if sc.latency {
		h := spanmetrics.Duration
		native = fmt.Sprintf("latency:\n          metric: %s_bucket{%s}\n          threshold: 2s", h, sel)
		totalQuery = fmt.Sprintf("sum(rate(%s_count{%s}[{{.window}}]))", h, sel)
		errorQuery = fmt.Sprintf(`%s - sum(rate(%s_bucket{%s,le="%d"}[{{.window}}]))`, totalQuery, h, sel, spanmetrics.ThresholdMS)
		return native, errorQuery, totalQuery
	}
	native = fmt.Sprintf("errors:\n          metric: %s{%s}", spanmetrics.Calls, sel)
	totalQuery = fmt.Sprintf("sum(rate(%s{%s}[{{.window}}]))", spanmetrics.Calls, sel)
	errorQuery = fmt.Sprintf(`sum(rate(%s{%s,status_code=%q}[{{.window}}]))`, spanmetrics.Calls, sel, spanmetrics.StatusErr)
	return native, errorQuery, totalQuery
}

// loadSLOs writes every scenario's burnwatch spec into one file and loads it.
func loadSLOs(t *testing.T, runs []*run) []*slo.SLO {
	t.Helper()
	var b strings.Builder
	b.WriteString("version: burnwatch/v1\nteam: quality\nslos:\n")
	for _, r := range runs {
		native, _, _ := sli(r.scenario)
		fmt.Fprintf(&b, "  - name: availability\n    service: %s\n    objective: %g\n    sli:\n      %s\n", r.service, 100*objective, native)
	}
	set, diags := slo.LoadBytes("quality.yaml", []byte(b.String()))
	if len(diags) > 0 {
		t.Fatalf("%v\n%s", diags, b.String())
	}
	return set.SLOs
}

// generateSlothRules writes each scenario's Sloth spec and has Sloth
// generate its rules; it returns the rule file of each service.
func generateSlothRules(t *testing.T, slothrules string, runs []*run) map[string]string {
	t.Helper()
	specs, out := t.TempDir(), t.TempDir()
	var paths []string
	files := map[string]string{}
	for _, r := range runs {
		_, errQ, totalQ := sli(r.scenario)
		spec := fmt.Sprintf("version: \"prometheus/v1\"\nservice: %q\nslos:\n  - name: availability\n    objective: %g\n    sli:\n      events:\n        error_query: %s\n        total_query: %s\n    alerting:\n      name: %s\n",
			r.service, 100*objective, yamlString(errQ), yamlString(totalQ), "Quality")
		path := filepath.Join(specs, r.service+".yml")
		if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
		files[r.service] = filepath.Join(out, r.service+".rules.yml")
	}
	cmd := exec.Command(slothrules, append([]string{"-out", out}, paths...)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, msg)
	}
	return files
}

func yamlString(s string) string { return fmt.Sprintf("%q", s) }

func countRecording(runs []*run) int {
	n := 0
	for _, r := range runs {
		n += len(r.rules.Recording)
	}
	return n
}
