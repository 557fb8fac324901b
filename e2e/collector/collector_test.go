package collector_test

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/internal/promtest"
)

// Intervals of the stack. They are shorter than in production (a 60s
// flush, a 15s-60s scrape, a 30s evaluation) so that a run takes minutes,
// but every stage is there and each one's delay is measured.
const (
	flushInterval  = 5 * time.Second
	scrapeInterval = 5 * time.Second
	evalInterval   = 5 * time.Second
)

// Phases of a run.
const (
	// healthyFor is the quiet start: burnwatch must not page on it.
	healthyFor = 30 * time.Second
	// pageWithin bounds the wait for a page after the incident begins.
	pageWithin = 3 * time.Minute
	// observeLinksFor is how long after a page the test keeps watching for
	// trace links, to measure how late they come even when they are late.
	observeLinksFor = 60 * time.Second
	// resolveWithin bounds the wait for a resolve after the recovery: the
	// 1m short window must empty, then one flush, scrape and evaluation.
	resolveWithin = 3 * time.Minute
)

// linkBudget is how soon after a page a trace link to a bad trace must
// have reached the receiver: the flush that carries the incident's
// exemplars, the scrape that stores them and the evaluation that finds
// them (issue 11: one flush interval plus one evaluation; the scrape is
// Prometheus' share).
const linkBudget = flushInterval + scrapeInterval + evalInterval

// Traffic of the two services: a share of slow requests on one, of failed
// requests on the other, and all along some of the other kind of bad on
// each, which the SLO must neither count nor link.
var (
	checkoutHealthy  = mix{Failed: 0.1}
	checkoutIncident = mix{Slow: 0.3, Failed: 0.1}
	paymentsHealthy  = mix{Slow: 0.1}
	paymentsIncident = mix{Slow: 0.1, Failed: 0.3}
)

// variant is one Collector setup and the metric names it produces.
type variant struct {
	name      string
	collector collectorOptions
	// latencyMetric is the duration histogram's bucket series.
	latencyMetric string
}

// spec is the SLOs burnwatch runs: a latency SLO on checkout, an
// end-to-end latency SLO on a queue consumer (measured with queuelatency)
// and an availability SLO on payments, with the default error matcher;
// and a latency SLO whose threshold, 1500ms, is no bucket boundary of the
// Collector's histogram, which must never page. The page
// rule is the SRE Workbook's fast one scaled down (5m and 1m windows at
// 14.4 times the budget rate) so that a resolve comes within minutes.
const spec = `version: burnwatch/v1
team: e2e
traces:
  link: jaeger
  url: http://jaeger.test:16686
slos:
  - name: checkout-latency
    service: checkout
    description: Checkout requests are served within 2 seconds.
    objective: 99.9
    sli:
      latency:
        metric: %[1]s{service_name="checkout", span_name="POST /checkout", span_kind="SPAN_KIND_SERVER"}
        threshold: 2s
    alerting:
      windows:
        - {severity: page, long: 5m, short: 1m, factor: 14.4}
  - name: checkout-latency-off-boundary
    service: checkout
    description: A threshold that is not a bucket boundary of the histogram.
    objective: 99.9
    sli:
      latency:
        metric: %[1]s{service_name="checkout", span_name="POST /checkout", span_kind="SPAN_KIND_SERVER"}
        threshold: 1500ms
    alerting:
      windows:
        - {severity: page, long: 5m, short: 1m, factor: 14.4}
  - name: orders-processed
    service: order-consumer
    description: Orders are processed within 2 seconds, measured from the start of the trace.
    objective: 99.9
    sli:
      latency:
        metric: %[1]s{service_name="order-consumer", span_name="process order", span_kind="SPAN_KIND_CONSUMER"}
        threshold: 2s
    alerting:
      windows:
        - {severity: page, long: 5m, short: 1m, factor: 14.4}
  - name: payments-availability
    service: payments
    description: Payments do not fail.
    objective: 99.9
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="payments", span_name="POST /pay", span_kind="SPAN_KIND_SERVER"}
    alerting:
      windows:
        - {severity: page, long: 5m, short: 1m, factor: 14.4}
`

// TestARealCollectorStackPagesWithLinksToBadTracesAndResolves runs the
// whole stack for each Collector variant: healthy traffic, then checkout
// turns slow, a queue backs up and payments fails, then all recover. Each SLO must page,
// link only traces the generator made slow (latency) or failed
// (availability), within linkBudget of the page, and resolve after the
// recovery.
func TestARealCollectorStackPagesWithLinksToBadTracesAndResolves(t *testing.T) {
	requireE2E(t)
	variants := []variant{
		{
			name:          "default milliseconds histogram and STATUS_CODE_ERROR",
			collector:     collectorOptions{FlushInterval: flushInterval, Unit: "ms"},
			latencyMetric: "traces_span_metrics_duration_milliseconds_bucket",
		},
		{
			name: "seconds histogram and the otel_status_code convention",
			collector: collectorOptions{FlushInterval: flushInterval, Unit: "s",
				FeatureGates: []string{"spanmetrics.statusCodeConvention.useOtelPrefix"}},
			latencyMetric: "traces_span_metrics_duration_seconds_bucket",
		},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			runStack(t, v)
		})
	}
}

// offBoundary is the SLO whose threshold is no bucket boundary.
const offBoundary = "checkout-latency-off-boundary"

// traffic is a generator of spans whose outcomes the test checks links
// against.
type traffic interface {
	setMix(mix)
	run(ctx context.Context, tick time.Duration, perTick int)
	outcomeOf(traceID string) (outcome, bool)
}

// sloUnderTest is one SLO of the run, its traffic and what it may link.
type sloUnderTest struct {
	name     string
	gen      traffic
	healthy  mix
	incident mix
	// bad says whether a trace may be linked by this SLO.
	bad func(outcome) bool
	// badName names what bad accepts, for messages.
	badName string
	// linkWithin is how soon after the page a link to a bad trace must
	// arrive; zero means linkBudget.
	linkWithin time.Duration
}

func runStack(t *testing.T, v variant) {
	col := startCollector(t, v.collector)
	prom := promtest.Start(t, promtest.Options{
		ScrapeConfigs:  []promtest.ScrapeConfig{{JobName: "otelcol", Targets: []string{col.Metrics}}},
		ScrapeInterval: scrapeInterval,
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	slos := []*sloUnderTest{
		{name: "checkout-latency", gen: newGenerator(t, col.OTLP, "checkout", "POST /checkout"),
			healthy: checkoutHealthy, incident: checkoutIncident,
			bad: func(o outcome) bool { return o.Slow }, badName: "slow"},
		{name: "payments-availability", gen: newGenerator(t, col.OTLP, "payments", "POST /pay"),
			healthy: paymentsHealthy, incident: paymentsIncident,
			bad: func(o outcome) bool { return o.Failed }, badName: "failed"},
		{name: "orders-processed", gen: newQueueGenerator(t, col.OTLP),
			healthy: mix{}, incident: mix{Slow: 0.3},
			bad: func(o outcome) bool { return o.Slow }, badName: "slower than 2s from the start of its trace",
			// Its healthy traffic has no slow message, so no exemplar from
			// before the incident can be linked, and the connector keeps
			// exemplars of only the first 5 spans of each flush: the first
			// slow one may take a few flushes (24.6 s once in ten runs).
			linkWithin: 4*flushInterval + scrapeInterval + evalInterval},
	}
	for _, s := range slos {
		s.gen.setMix(s.healthy)
		go s.gen.run(ctx, 100*time.Millisecond, 2)
	}
	for _, service := range []string{"checkout", "payments", "order-consumer"} {
		prom.WaitFor(t, fmt.Sprintf(`%s{service_name=%q}`, strings.TrimSuffix(v.latencyMetric, "_bucket")+"_count", service), time.Minute)
	}

	bw := startBurnwatch(t, prom.URL, fmt.Sprintf(spec, v.latencyMetric), evalInterval)
	time.Sleep(healthyFor)
	for _, s := range slos {
		if got := bw.hook.of(s.name); len(got) > 0 {
			t.Errorf("%s: notified while healthy: %+v", s.name, got)
		}
	}

	incidentStart := time.Now()
	for _, s := range slos {
		s.gen.setMix(s.incident)
	}
	pages := watchIncident(t, bw, slos, incidentStart)

	recovery := time.Now()
	for _, s := range slos {
		s.gen.setMix(s.healthy)
	}
	for _, s := range slos {
		if pages[s.name].IsZero() {
			continue
		}
		resolved := waitFor(resolveWithin, func() bool {
			for _, n := range bw.hook.of(s.name) {
				if n.Status == "resolved" && n.Severity == "page" {
					return true
				}
			}
			return false
		})
		if !resolved {
			t.Errorf("%s: no resolve within %s of the recovery; notifications: %s", s.name, resolveWithin, describe(bw.hook.of(s.name)))
			continue
		}
		for _, n := range bw.hook.of(s.name) {
			if n.Status == "resolved" {
				t.Logf("MEASURED %s: resolved %s after the recovery", s.name, n.Received.Sub(recovery).Round(time.Second))
				break
			}
		}
	}

	// No bucket has le=1500ms: the SLO cannot be evaluated, and saying so
	// must never take the form of a burn alert, healthy or not.
	for _, n := range bw.hook.of(offBoundary) {
		if n.Kind == "burn" {
			t.Errorf("%s: a threshold that is no bucket boundary gave a burn notification:%s", offBoundary, describe([]notification{n}))
		}
	}
}

// watchIncident waits for each SLO's page, then watches its notifications
// and the API for trace links, checks every link against what the
// generator recorded, and returns when each SLO paged.
func watchIncident(t *testing.T, bw *burnwatch, slos []*sloUnderTest, start time.Time) map[string]time.Time {
	pages := map[string]time.Time{}
	firstLink := map[string]time.Time{}
	apiLink := map[string]time.Time{}
	seen := map[string]map[string]bool{} // SLO → trace ids linked anywhere
	for _, s := range slos {
		seen[s.name] = map[string]bool{}
	}
	done := func() bool {
		for _, s := range slos {
			page := pages[s.name]
			if page.IsZero() {
				if time.Since(start) < pageWithin {
					return false
				}
				continue
			}
			if (firstLink[s.name].IsZero() || apiLink[s.name].IsZero()) && time.Since(page) < observeLinksFor {
				return false
			}
		}
		return true
	}
	for !done() {
		for _, s := range slos {
			for _, n := range bw.hook.of(s.name) {
				if n.Severity != "page" || (n.Status != "firing" && n.Status != "updated") {
					continue
				}
				if pages[s.name].IsZero() {
					pages[s.name] = n.Received
				}
				for _, l := range n.Traces {
					seen[s.name][l.TraceID] = true
				}
				if len(n.Traces) > 0 && firstLink[s.name].IsZero() {
					firstLink[s.name] = n.Received
					t.Logf("MEASURED %s: first trace link in a %q notification", s.name, n.Status)
				}
			}
		}
		for _, in := range bw.incidents(t) {
			for _, s := range slos {
				if !strings.HasSuffix(in.SLOID, s.name) || in.Severity != "page" {
					continue
				}
				for _, l := range in.Traces {
					seen[s.name][l.TraceID] = true
				}
				if len(in.Traces) > 0 && apiLink[s.name].IsZero() {
					apiLink[s.name] = time.Now()
				}
			}
		}
		time.Sleep(500 * time.Millisecond)
	}

	for _, s := range slos {
		page := pages[s.name]
		if page.IsZero() {
			t.Errorf("%s: no page within %s of the incident's start; notifications: %s", s.name, pageWithin, describe(bw.hook.of(s.name)))
			continue
		}
		t.Logf("MEASURED %s: paged %s after the incident began", s.name, page.Sub(start).Round(time.Second))
		within := cmp.Or(s.linkWithin, linkBudget)
		checkLinkDelay(t, s.name, "the webhook", page, firstLink[s.name], within)
		checkLinkDelay(t, s.name, "the API", page, apiLink[s.name], within)
		if firstLink[s.name].IsZero() {
			for _, n := range bw.hook.of(s.name) {
				if n.TracesNote != "" {
					t.Logf("%s: traces note %q", s.name, n.TracesNote)
				}
			}
		}
		for id := range seen[s.name] {
			o, ok := s.gen.outcomeOf(id)
			switch {
			case !ok:
				t.Errorf("%s: linked trace %s was not made by the generator", s.name, id)
			case !s.bad(o):
				t.Errorf("%s: linked trace %s is not %s: %+v", s.name, id, s.badName, o)
			}
		}
		t.Logf("MEASURED %s: %d distinct trace ids linked", s.name, len(seen[s.name]))
	}
	return pages
}

// checkLinkDelay logs how long after the page the first trace link showed
// up in where, and fails past linkBudget.
func checkLinkDelay(t *testing.T, name, where string, page, link time.Time, within time.Duration) {
	t.Helper()
	if link.IsZero() {
		t.Errorf("%s: no trace link on %s within %s of the page (want one within %s)", name, where, observeLinksFor, within)
		return
	}
	delay := max(link.Sub(page), 0)
	t.Logf("MEASURED %s: trace link on %s %s after the page", name, where, delay.Round(100*time.Millisecond))
	if delay > within {
		t.Errorf("%s: trace link on %s came %s after the page, want within %s", name, where, delay.Round(100*time.Millisecond), within)
	}
}

// waitFor polls cond until it holds or within passes.
func waitFor(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(500 * time.Millisecond)
	}
	return cond()
}

// describe renders notifications for a failure message.
func describe(ns []notification) string {
	var b strings.Builder
	for _, n := range ns {
		fmt.Fprintf(&b, "\n  %s %s %s %s traces=%d note=%q", n.Received.Format(time.TimeOnly), n.Kind, n.Severity, n.Status, len(n.Traces), n.TracesNote)
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}
