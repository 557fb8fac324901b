package datacheck_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/exemplar"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/timestamp"

	"github.com/burnwatch/burnwatch/datacheck"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
)

var epoch = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

const minutes = 120

// at is when the checks run: the last sample.
var at = epoch.Add((minutes - 1) * time.Minute)

// counter is a series that grows by 10 a minute.
func counter(selector string) string {
	return selector + " 0+10x" + fmt.Sprint(minutes-1) + "\n"
}

// histogram renders a classic histogram with the given `le` spellings.
func histogram(name, labels string, les ...string) string {
	var b strings.Builder
	for _, le := range les {
		b.WriteString(counter(fmt.Sprintf("%s_bucket{%s,le=%q}", name, labels, le)))
	}
	b.WriteString(counter(fmt.Sprintf("%s_bucket{%s,le=\"+Inf\"}", name, labels)))
	b.WriteString(counter(fmt.Sprintf("%s_count{%s}", name, labels)))
	return b.String()
}

// collectorBuckets are the spanmetrics connector's default boundaries in ms.
var collectorBuckets = []string{"2", "4", "6", "8", "10", "50", "100", "200", "400", "800", "1000", "1400", "2000", "5000", "10000", "15000"}

// tempoBuckets are Tempo's defaults in seconds, as Prometheus stores them.
var tempoBuckets = []string{"0.002", "0.004", "0.008", "0.016", "0.032", "0.064", "0.128", "0.256", "0.512", "1.024", "2.048", "4.096", "8.192", "16.384"}

const otelLabels = `service_name="checkout",span_name="POST /checkout",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"`

// engine loads series and puts one exemplar on each series matching
// withExemplars (nil: none).
func engine(t *testing.T, series string, withExemplars []*labels.Matcher) *prom.Embedded {
	t.Helper()
	e, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if err := e.Load(context.Background(), epoch, time.Minute, series); err != nil {
		t.Fatal(err)
	}
	if withExemplars == nil {
		return e
	}
	ctx := context.Background()
	ts := timestamp.FromTime(at)
	app := e.Appender(ctx)
	for _, line := range strings.Split(strings.TrimSpace(series), "\n") {
		sel, _, _ := strings.Cut(line, " ")
		ls := mustSeries(t, sel)
		if !matchesAll(withExemplars, ls) {
			continue
		}
		ref, err := app.Append(0, ls, ts+1000, 1e9)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.AppendExemplar(ref, ls, exemplar.Exemplar{Labels: labels.FromStrings("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"), Value: 1, Ts: ts, HasTs: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.Commit(); err != nil {
		t.Fatal(err)
	}
	return e
}

func mustSeries(t *testing.T, sel string) labels.Labels {
	t.Helper()
	b := labels.NewBuilder(labels.EmptyLabels())
	name, rest, _ := strings.Cut(sel, "{")
	b.Set(model.MetricNameLabel, name)
	for _, kv := range splitLabels(strings.TrimSuffix(rest, "}")) {
		k, v, _ := strings.Cut(kv, "=")
		b.Set(k, strings.Trim(v, `"`))
	}
	return b.Labels()
}

// splitLabels splits `a="x",b="y, z"` at the commas outside quotes.
func splitLabels(s string) []string {
	var out []string
	quoted, start := false, 0
	for i, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ',' && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func matchesAll(ms []*labels.Matcher, ls labels.Labels) bool {
	for _, m := range ms {
		if !m.Matches(ls.Get(m.Name)) {
			return false
		}
	}
	return true
}

func load(t *testing.T, sli string) *slo.SLO {
	t.Helper()
	set, diags := slo.LoadBytes("spec.yaml", []byte("version: burnwatch/v1\nteam: t\nslos:\n  - name: s\n    service: checkout\n    objective: 99.9\n    sli:\n"+sli))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return set.SLOs[0]
}

func TestChecksAgainstTheData(t *testing.T) {
	anyBucket := []*labels.Matcher{labels.MustNewMatcher(labels.MatchRegexp, model.MetricNameLabel, ".*_bucket|.*_total")}
	otelHistogram := histogram("traces_span_metrics_duration_milliseconds", otelLabels, collectorBuckets...)
	tests := []struct {
		name         string
		series       string
		exemplars    []*labels.Matcher
		sli          string
		wantErrors   []string
		wantWarnings []string
	}{
		{
			name: "a threshold on a bucket boundary with exemplars is fine", series: otelHistogram, exemplars: anyBucket,
			sli: "      latency:\n        metric: traces_span_metrics_duration_milliseconds_bucket{service_name=\"checkout\"}\n        threshold: 2s\n",
		},
		{
			name: "a threshold between boundaries is an error naming the nearest", series: otelHistogram, exemplars: anyBucket,
			sli:        "      latency:\n        metric: traces_span_metrics_duration_milliseconds_bucket{service_name=\"checkout\"}\n        threshold: 1500ms\n",
			wantErrors: []string{`no bucket le="1500" on traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}; the nearest are 1400 and 2000`},
		},
		{
			name:   "le spelled 2000.0 is a boundary of 2 s",
			series: histogram("traces_span_metrics_duration_milliseconds", otelLabels, "1000.0", "2000.0"), exemplars: anyBucket,
			sli: "      latency:\n        metric: traces_span_metrics_duration_milliseconds_bucket{service_name=\"checkout\"}\n        threshold: 2s\n",
		},
		{
			name:   "2 s on Tempo's seconds buckets is not a boundary",
			series: histogram("traces_spanmetrics_latency", `service="order-consumer"`, tempoBuckets...), exemplars: anyBucket,
			sli:        "      latency:\n        metric: traces_spanmetrics_latency_bucket{service=\"order-consumer\"}\n        threshold: 2s\n",
			wantErrors: []string{`no bucket le="2" on traces_spanmetrics_latency_bucket{service="order-consumer"}; the nearest are 1.024 and 2.048`},
		},
		{
			name:       "a histogram without unit suffix read in the wrong unit",
			series:     histogram("traces_span_metrics_duration", otelLabels, "0.5", "1", "2", "5"),
			exemplars:  anyBucket,
			sli:        "      latency:\n        metric: traces_span_metrics_duration_bucket{service_name=\"checkout\"}\n        threshold: 2s\n        unit: ms\n",
			wantErrors: []string{`no bucket le="2000" on traces_span_metrics_duration_bucket{service_name="checkout"}; the nearest is 5 (the buckets look like seconds: set unit: s)`},
		},
		{
			name: "a label the metric does not have names the one it has", series: otelHistogram, exemplars: anyBucket,
			sli:        "      latency:\n        metric: traces_span_metrics_duration_milliseconds_bucket{service=\"checkout\"}\n        threshold: 2s\n",
			wantErrors: []string{`traces_span_metrics_duration_milliseconds_bucket{service="checkout"} matches no series: traces_span_metrics_duration_milliseconds_bucket has no label service (it has service_name); its labels are le, service_name, span_kind, span_name, status_code`},
		},
		{
			name: "a value no series has lists the values there are", series: otelHistogram, exemplars: anyBucket,
			sli:        "      latency:\n        metric: traces_span_metrics_duration_milliseconds_bucket{service_name=\"chekout\"}\n        threshold: 2s\n",
			wantErrors: []string{`traces_span_metrics_duration_milliseconds_bucket{service_name="chekout"} matches no series: no series of traces_span_metrics_duration_milliseconds_bucket has service_name="chekout" in the last 1h; it has checkout`},
		},
		{
			name:   "a calls counter without _total is found under its name",
			series: counter(`traces_span_metrics_calls{service_name="checkout",status_code="STATUS_CODE_UNSET"}`), exemplars: anyBucket,
			sli:        "      errors:\n        metric: traces_span_metrics_calls_total{service_name=\"checkout\"}\n",
			wantErrors: []string{`traces_span_metrics_calls_total{service_name="checkout"} has no series in the last 1h, but Prometheus has traces_span_metrics_calls: the exporter names it without the suffixes; set metric to traces_span_metrics_calls`},
		},
		{
			name:       "a metric found nowhere says so",
			series:     counter(`other_total{a="b"}`),
			sli:        "      errors:\n        metric: traces_span_metrics_calls_total{service_name=\"checkout\"}\n",
			wantErrors: []string{`traces_span_metrics_calls_total{service_name="checkout"} has no series in the last 1h (a renamed metric, a wrong tenant, or a scrape job that stopped?)`},
		},
		{
			name:   "an error matcher on status_code where the Collector writes otel_status_code",
			series: counter(`traces_span_metrics_calls_total{service_name="checkout",otel_status_code="OK"}`), exemplars: anyBucket,
			sli:        "      errors:\n        metric: traces_span_metrics_calls_total{service_name=\"checkout\"}\n        error_matcher: status_code=\"STATUS_CODE_ERROR\"\n",
			wantErrors: []string{`label status_code of the error matcher is not on traces_span_metrics_calls_total{service_name="checkout"}, so no call counts as bad; its labels are otel_status_code, service_name (the Collector's otel_status_code convention: write error_matcher: otel_status_code="ERROR", or leave error_matcher out)`},
		},
		{
			name:   "the default error matcher reads otel_status_code",
			series: counter(`traces_span_metrics_calls_total{service_name="checkout",otel_status_code="OK"}`), exemplars: anyBucket,
			sli: "      errors:\n        metric: traces_span_metrics_calls_total{service_name=\"checkout\"}\n",
		},
		{
			name:   "the default error matcher reads status_code",
			series: counter(`traces_span_metrics_calls_total{service_name="checkout",status_code="STATUS_CODE_UNSET"}`), exemplars: anyBucket,
			sli: "      errors:\n        metric: traces_span_metrics_calls_total{service_name=\"checkout\"}\n",
		},
		{
			name:       "the default error matcher on a counter with no status label",
			series:     counter(`http_requests_total{service_name="checkout"}`),
			exemplars:  anyBucket,
			sli:        "      errors:\n        metric: http_requests_total{service_name=\"checkout\"}\n",
			wantErrors: []string{`none of the error matcher's labels (status_code, otel_status_code) is on http_requests_total{service_name="checkout"}, so no call counts as bad; its labels are service_name: set error_matcher`},
		},
		{
			name:      "spans all unset under the Collector's otel_status_code convention have no status label",
			series:    counter(`traces_span_metrics_calls_total{service_name="checkout",span_kind="SPAN_KIND_SERVER",span_name="GET /cart"}`),
			exemplars: anyBucket,
			sli:       "      errors:\n        metric: traces_span_metrics_calls_total{service_name=\"checkout\"}\n",
			wantWarnings: []string{`none of the error matcher's labels (status_code, otel_status_code) is on traces_span_metrics_calls_total{service_name="checkout"} in the last 1h, so no call counts as bad: ` +
				`right while every span's status is unset under the Collector's otel_status_code convention, which labels only ok and failed spans; its labels are service_name, span_kind, span_name, and if it has no status label at all, set error_matcher`},
		},
		{
			name:      "a native histogram is fine with any threshold",
			series:    "traces_span_metrics_duration_milliseconds{service_name=\"checkout\"} {{schema:0 sum:0 count:0}}+{{schema:0 sum:300 count:10 buckets:[10]}}x119\n",
			exemplars: []*labels.Matcher{labels.MustNewMatcher(labels.MatchEqual, model.MetricNameLabel, "traces_span_metrics_duration_milliseconds")},
			sli:       "      latency:\n        metric: traces_span_metrics_duration_milliseconds{service_name=\"checkout\"}\n        threshold: 1500ms\n        native: true\n",
		},
		{
			name:       "a classic spec on a native histogram says to set native",
			series:     "traces_span_metrics_duration_milliseconds{service_name=\"checkout\"} {{schema:0 sum:0 count:0}}+{{schema:0 sum:300 count:10 buckets:[10]}}x119\n",
			sli:        "      latency:\n        metric: traces_span_metrics_duration_milliseconds_bucket{service_name=\"checkout\"}\n        threshold: 2s\n",
			wantErrors: []string{`traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"} has no series in the last 1h, but Prometheus has traces_span_metrics_duration_milliseconds: traces_span_metrics_duration_milliseconds is a native (exponential) histogram; set native: true with metric traces_span_metrics_duration_milliseconds`},
		},
		{
			name: "a native spec on a classic histogram says to leave native out", series: otelHistogram,
			sli:        "      latency:\n        metric: traces_span_metrics_duration_milliseconds{service_name=\"checkout\"}\n        threshold: 2s\n        native: true\n",
			wantErrors: []string{`traces_span_metrics_duration_milliseconds{service_name="checkout"} has no series in the last 1h, but Prometheus has traces_span_metrics_duration_milliseconds_bucket: traces_span_metrics_duration_milliseconds is a classic histogram; leave native out and write the metric traces_span_metrics_duration_milliseconds_bucket`},
		},
		{
			name:   "a UTF-8 name kept with dots is found",
			series: counter(`{"traces.span.metrics.calls", service_name="checkout", status_code="STATUS_CODE_UNSET"}`),
			sli:    "      errors:\n        metric: traces_span_metrics_calls_total{service_name=\"checkout\"}\n",
			wantErrors: []string{`traces_span_metrics_calls_total{service_name="checkout"} has no series in the last 1h, but Prometheus has traces.span.metrics.calls: ` +
				`UTF-8 names are kept with dots; write the metric as {"traces.span.metrics.calls", ...}`},
		},
		{
			name: "an errors SLI whose exemplars are on the Collector's latency histogram is fine",
			series: counter(`traces_span_metrics_calls_total{service_name="checkout",status_code="STATUS_CODE_ERROR"}`) +
				histogram("traces_span_metrics_duration_milliseconds", `service_name="checkout",status_code="STATUS_CODE_ERROR"`, "2000", "+Inf"),
			exemplars: []*labels.Matcher{labels.MustNewMatcher(labels.MatchEqual, model.MetricNameLabel, "traces_span_metrics_duration_milliseconds_bucket")},
			sli:       "      errors:\n        metric: traces_span_metrics_calls_total{service_name=\"checkout\"}\n",
		},
		{
			name:   "an errors SLI with no exemplars anywhere is warned about",
			series: counter(`traces_span_metrics_calls_total{service_name="checkout",status_code="STATUS_CODE_ERROR"}`),
			sli:    "      errors:\n        metric: traces_span_metrics_calls_total{service_name=\"checkout\"}\n",
			wantWarnings: []string{`no exemplars on traces_span_metrics_calls_total{service_name="checkout"} in the last 1h, so alerts will have no trace links: ` +
				`turn them on in the Collector's spanmetrics connector (exemplars: enabled: true) and in Prometheus (--enable-feature=exemplar-storage)`},
		},
		{
			name:   "no exemplars is a warning naming the settings",
			series: otelHistogram,
			sli:    "      latency:\n        metric: traces_span_metrics_duration_milliseconds_bucket{service_name=\"checkout\"}\n        threshold: 2s\n",
			wantWarnings: []string{`no exemplars on traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"} in the last 1h, so alerts will have no trace links: ` +
				`turn them on in the Collector's spanmetrics connector (exemplars: enabled: true) and in Prometheus (--enable-feature=exemplar-storage)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := engine(t, tt.series, tt.exemplars)
			s := load(t, tt.sli)
			res := datacheck.Check(context.Background(), eng, []*slo.SLO{s}, at, datacheck.Options{})[0]
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			if got, want := strings.Join(res.Errors(), "\n"), strings.Join(tt.wantErrors, "\n"); got != want {
				t.Errorf("errors:\n got %s\nwant %s", got, want)
			}
			if got, want := strings.Join(res.Warnings(), "\n"), strings.Join(tt.wantWarnings, "\n"); got != want {
				t.Errorf("warnings:\n got %s\nwant %s", got, want)
			}
			blocked := datacheck.Blocked([]datacheck.Result{res})
			if _, ok := blocked[s.ID]; ok != (len(tt.wantErrors) > 0) {
				t.Errorf("blocked = %v, want blocked only with errors", blocked)
			}
		})
	}
}

// Both queriers answer the checks.
var (
	_ datacheck.Source = (*prom.HTTP)(nil)
	_ datacheck.Source = (*prom.Embedded)(nil)
)
