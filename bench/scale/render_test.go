package scale_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/bench/internal/report"
)

// Targets of the scale suite.
const (
	targetSampleRatio = 10
	targetCycle       = 5 * time.Second
	targetRSS         = 300 << 20
)

func render(results []*size, perRule perSLOCost, samples int64, writeTime time.Duration) string {
	var b strings.Builder
	largest := results[len(results)-1]
	b.WriteString("## Scale\n\n")
	fmt.Fprintf(&b, "The fleet: %d services × %d span names × 2 status codes, each with a calls counter and a 16-bucket duration histogram (the OpenTelemetry Collector spanmetrics connector's names and default buckets): %s series scraped once a minute for 3 days and 30 minutes, %s samples in all with the recorded series described below, written as TSDB blocks in %s and loaded into a real Prometheus 2.42. ",
		services, spanNames, report.Count(int64(2*services*spanNames*(1+len(bounds)+3))), report.Count(samples), report.Duration(writeTime))
	b.WriteString("N SLOs cover N/10 (service, span name) pairs with ten SLOs each: availability at 99.9, 99.5, 99, 99.95 and 99.99%, and latency at 100 ms/99%, 200 ms/99.5%, 400 ms/99.9%, 1 s/99.9% and 2 s/99.95%. ")
	b.WriteString("burnwatch reads them as native span-metrics SLIs; Sloth v0.16.0 generates its rules from the equivalent events SLIs (`sum(rate(...))` of the same series).\n\n")
	fmt.Fprintf(&b, "burnwatch runs in a process of its own per size (bench/scale/cycles), on the same 2 cores as Prometheus: a first cycle, which answers the long windows with increase(), one that builds their tiles, one that reads the tiles their tails fall in, then %d steady cycles (an hour) 30 s apart in simulated time, every size at the same instants. ", steadyCycles)
	b.WriteString("Its queries go through bench/internal/statsquery, a plain HTTP GET with stats=all, so that Prometheus reports the samples each query read (totalQueryableSamples) and its execTotalTime; Prometheus' CPU is read from its process_cpu_seconds_total around each cycle. Then 3 more steady cycles go through prom.NewHTTP, the daemon's querier, for their wall time.\n\n")

	var t1 report.Table
	t1.Header = []string{"SLOs", "burnwatch queries per steady cycle", "Sloth rule evaluations per cycle", "burnwatch samples per cycle", "Sloth samples per cycle", "Sloth ÷ burnwatch", "Sloth samples without its 30-day SLI", "÷ burnwatch"}
	for _, r := range results {
		m := r.bw.mean()
		t1.Row(fmt.Sprint(r.n), fmt.Sprintf("%.1f", r.bw.meanQueries()), report.Count(r.sloth.rules),
			report.Count(m.Samples), report.Count(r.sloth.samples), report.Ratio(float64(r.sloth.samples)/float64(m.Samples)),
			report.Count(r.sloth.samples-r.sloth.samples30d), report.Ratio(float64(r.sloth.samples-r.sloth.samples30d)/float64(m.Samples)))
	}
	fmt.Fprintf(&b, "### Queries and samples per cycle\n\n%s\n", t1.String())
	b.WriteString("Sloth's cost per cycle is every rule it generated (recording and alerting) run once as an instant query with stats=all, for the first 100 SLOs of the fleet (all ten variants, ten pairs), times N/100: every pair has the same series and sample density, which the suite checks on the last pair (svc-49/op-19). Sloth's 30-day SLI averages its own 5-minute SLI recorded over 30 days; the blocks hold those recorded series (every 30 s for 30 days) for the measured SLOs, so that the rule reads what it would in steady state. Alerts do not use it, so the table also gives Sloth's cost without it.\n\n")

	var v report.Table
	v.Header = []string{"variant", "Sloth rules", "samples per evaluation of all of them", "of which the 30-day SLI", "same on the last pair"}
	for i, va := range variants {
		name := fmt.Sprintf("errors %g%%", va.objective)
		if va.latency {
			name = fmt.Sprintf("latency %d ms %g%%", va.thresholdMS, va.objective)
		}
		v.Row(name, fmt.Sprint(perRule.rules[i]), report.Count(perRule.samples[i]), report.Count(perRule.samples30d[i]), yesNo(perRule.samples[i] == perRule.lastSamples[i]))
	}
	fmt.Fprintf(&b, "Per SLO:\n\n%s\n", v.String())

	var t2 report.Table
	t2.Header = []string{"SLOs", "Prometheus CPU per cycle: burnwatch", "Sloth, live (per 30 s)", "Sloth ÷ burnwatch", "Prometheus execTotalTime per cycle: burnwatch", "Sloth (sum over its rules)"}
	for _, r := range results {
		m := r.bw.mean()
		t2.Row(fmt.Sprint(r.n), report.Duration(m.PromCPU), report.Duration(r.live.cpu), report.Ratio(float64(r.live.cpu)/float64(m.PromCPU)),
			report.Duration(m.Exec), report.Duration(r.sloth.exec))
	}
	fmt.Fprintf(&b, "### What a cycle costs Prometheus\n\n%s\n", t2.String())
	b.WriteString("Samples flatter burnwatch: Prometheus 2.42's cost is as much per series selected, and per sample it writes into an answer, as per sample read. Most steady cycles read each source's series once, as raw samples since the last read (about one a series); every 30 minutes the tails of the long windows read 40 minutes of raw samples, every hour those of the coarse tiles 70, and each cycle then costs several seconds. CPU is the measure that counts what Prometheus does, and its mean over the hour is what a cycle costs. burnwatch's execTotalTime sum counts up to four queries in flight at once on 2 cores; Sloth's is the sum of its rules run one at a time.\n\n")

	var t3 report.Table
	t3.Header = []string{"SLOs", "steady p50", fmt.Sprintf("steady p99 (of %d)", steadyCycles), "steady p50 via prom.NewHTTP", "first cycle", "first cycle queries, samples", "tile build cycle, queries, samples", "next cycle, queries, samples", "peak RSS", "RSS after the steady cycles", "Go heap in use", "spec load", "restart: tile state, first cycle (queries)"}
	for _, r := range results {
		t3.Row(fmt.Sprint(r.n), report.Duration(report.Percentile(r.bw.walls(), 50)), report.Duration(report.Percentile(r.bw.walls(), 99)),
			report.Duration(report.Percentile(walls(r.bw.Check), 50)), report.Duration(r.bw.First.Wall),
			fmt.Sprintf("%d, %s", r.bw.First.Queries, report.Count(r.bw.First.Samples)),
			fmt.Sprintf("%s, %d, %s", report.Duration(r.bw.Build.Wall), r.bw.Build.Queries, report.Count(r.bw.Build.Samples)),
			fmt.Sprintf("%s, %d, %s", report.Duration(r.bw.Second.Wall), r.bw.Second.Queries, report.Count(r.bw.Second.Samples)),
			report.MiB(r.bw.PeakRSS), report.MiB(r.bw.RSS), report.MiB(r.bw.HeapInuse), report.Duration(r.bw.Load),
			fmt.Sprintf("%s, %s (%d)", report.MiB(r.bw.StateBytes), report.Duration(r.bw.Restart.Wall), r.bw.Restart.Queries))
	}
	fmt.Fprintf(&b, "### burnwatch cycle time and memory\n\n%s\n", t3.String())
	b.WriteString("Cycle time is the wall time of Evaluate, queries included, with the evaluator's default parallelism (4 queries in flight). The first cycle answers the long windows with increase() over each whole window, as the daemon's first cycle does; the next one builds every tile from the 3 days of history (30 days in a Prometheus that has them). Peak RSS is the process's VmHWM, reached while the tile build decodes its range queries' answers; the RSS and heap after the steady cycles follow a garbage collection. All of it is burnwatch's evaluation alone, without the dashboard or alerting. The cycle after the build reads the tiles the tails of the long windows fall in, as raw samples, each fine one with the five after it; steady cycles then read tiles again only when a tail enters one not read yet. The restart column is a new evaluator that reads the tile state the first one wrote (its size given) and evaluates two cycles later, as a daemon restarted on its data directory does; its time includes reading the state.\n\n")

	var t4 report.Table
	t4.Header = []string{"SLOs", "rule groups", "rules", "load (reload)", "groups evaluated in the interval", "sum of their evaluation times", "longest group", "Prometheus CPU per 30 s", "Prometheus RSS", "rules in error"}
	for _, r := range results {
		l := r.live
		t4.Row(fmt.Sprint(r.n), report.Count(int64(l.groups)), report.Count(int64(l.rules)), report.Duration(l.load),
			fmt.Sprintf("%s of %s", report.Count(int64(l.evaluated)), report.Count(int64(l.groups))), report.Duration(l.groupTime), report.Duration(l.longest), report.Duration(l.cpu),
			report.MiB(l.rss), fmt.Sprint(l.unhealthy))
	}
	fmt.Fprintf(&b, "### Sloth's rules evaluated live by Prometheus 2.42\n\n%s\n", t4.String())
	b.WriteString("A Prometheus of its own per size, on the same blocks, with Sloth's rule files loaded (evaluation interval 30 s), measured over the 35 s after the load: group evaluation times from /api/v1/rules (groups whose last evaluation started after the load), CPU and RSS from Prometheus' own process metrics. When Prometheus cannot keep up, groups wait for its 20 query slots and their evaluation times include the wait. The history ends when the suite starts, a few minutes earlier, so the 5-minute window has little data; the long windows, which cost the most, are full. Sloth's 30-day SLI reads 5-minute SLIs recorded since the load only (and, for the 110 measured SLOs, the backfilled 30 days), so this understates its steady state; the per-rule measurement above does not.\n\n")

	b.WriteString("### Targets\n\n")
	var flat []string
	for _, r := range results {
		flat = append(flat, fmt.Sprintf("%.1f", r.bw.meanQueries()))
	}
	fmt.Fprintf(&b, "- Queries per cycle flat in the number of SLOs that share metrics: %s queries per steady cycle for %s SLOs.\n",
		strings.Join(flat, " / "), sizesString(results))
	for _, r := range results {
		ratio := float64(r.sloth.samples) / float64(r.bw.mean().Samples)
		fmt.Fprintf(&b, "- ≥ %d× fewer samples per cycle than Sloth's rules, %s SLOs: %s (%s; %s without Sloth's 30-day SLI).\n", targetSampleRatio, report.Count(int64(r.n)), metWord(ratio >= targetSampleRatio),
			report.Ratio(ratio), report.Ratio(float64(r.sloth.samples-r.sloth.samples30d)/float64(r.bw.mean().Samples)))
	}
	p99 := report.Percentile(largest.bw.walls(), 99)
	fmt.Fprintf(&b, "- %s SLOs per 30 s cycle in ≤ %s on 2 cores: %s (steady p50 %s, p99 %s: %s of the target; the first cycle takes %s, the tile build %s).\n", report.Count(int64(largest.n)), report.Duration(targetCycle),
		metWord(p99 <= targetCycle), report.Duration(report.Percentile(largest.bw.walls(), 50)), report.Duration(p99), report.Ratio(float64(p99)/float64(targetCycle)), report.Duration(largest.bw.First.Wall), report.Duration(largest.bw.Build.Wall))
	fmt.Fprintf(&b, "- RSS ≤ 300 MB with %s SLOs: %s at the peak (%s, during the tile build); %s after the steady cycles.\n", report.Count(int64(largest.n)),
		metWord(largest.bw.PeakRSS <= targetRSS), report.MiB(largest.bw.PeakRSS), report.MiB(largest.bw.RSS))
	return b.String()
}

func sizesString(results []*size) string {
	var s []string
	for _, r := range results {
		s = append(s, report.Count(int64(r.n)))
	}
	return strings.Join(s, " / ")
}

func metWord(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
