package rulesdiff_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/bench/internal/slotheval"
	"github.com/burnwatch/burnwatch/bench/internal/spanmetrics"
	"github.com/burnwatch/burnwatch/bench/internal/timeline"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/promtest"
	"github.com/burnwatch/burnwatch/rules"
	"github.com/burnwatch/burnwatch/slo"
)

// The history: 4 days and 8 hours of checkout traffic, one scrape a
// minute, with incidents in the last 30 hours, which are evaluated every
// 5 minutes, 20 seconds after a scrape.
const (
	history   = 4*24*time.Hour + 8*time.Hour
	evaluated = 30 * time.Hour
	evalStep  = 5 * time.Minute
)

// TestExportedRulesDecideAsBurnwatchDoes backfills a real Prometheus,
// evaluates the rules `burnwatch rules` writes for two spec files at every
// instant (recording rules as range queries, alerting rules over what
// they recorded, as the Sloth differential test does), and compares each
// instant's page and ticket decisions with burnwatch's own evaluation of
// the same SLOs against the same Prometheus.
//
// burnwatch reads long windows from tiles where the rules take one
// increase() or rate() over the window: for span-metrics SLIs, and for
// events SLIs over plain counters, whose sum(rate(…)) burnwatch reads from
// the same tiled counter source. The two may then differ only where a burn
// rate sits at its threshold.
func TestExportedRulesDecideAsBurnwatchDoes(t *testing.T) {
	ctx := context.Background()
	end := time.Now().Add(-10 * time.Minute).Truncate(time.Minute)
	src := promtest.Start(t, promtest.Options{Backfill: backfill(t, end)})
	segs := []timeline.Segment{{Start: end.Add(-evaluated + 20*time.Second), End: end.Add(-time.Minute), Step: evalStep}}
	instants := timeline.Instants(segs...)

	tests := []struct {
		name string
		spec string
		// nearThreshold is how close to its factor a burn rate must be for
		// a disagreement to be accepted; 0 accepts none.
		nearThreshold float64
		maxShare      float64
	}{
		{name: "Sloth prometheus/v1 events SLIs: disagreements only at a threshold.", spec: "sloth.yml", nearThreshold: 0.03, maxShare: 0.02},
		{name: "Span-metrics SLIs: disagreements only at a threshold.", spec: "native.yaml", nearThreshold: 0.03, maxShare: 0.02},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, diags := slo.Load(os.DirFS("../slothdiff/testdata"), tt.spec)
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			file, err := rules.Generate(set.SLOs)
			if err != nil {
				t.Fatal(err)
			}
			data, err := file.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := slotheval.Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			var w promtest.OpenMetricsWriter
			if err := slotheval.Record(ctx, src.Querier(), parsed, segs, &w); err != nil {
				t.Fatal(err)
			}
			recorded, err := w.Text()
			if err != nil {
				t.Fatal(err)
			}
			dst := promtest.Start(t, promtest.Options{Backfill: recorded, ExtraFlags: []string{"--query.lookback-delta=1s"}})
			exported, err := slotheval.Alerts(ctx, dst.Querier(), parsed, segs)
			if err != nil {
				t.Fatal(err)
			}
			own, _, err := timeline.Burnwatch(ctx, burnrate.Options{}, 2, src.Querier(), set.SLOs, instants)
			if err != nil {
				t.Fatal(err)
			}
			decisions, fired, disagreements := 0, [2][2]int{}, 0
			for _, s := range set.SLOs {
				for _, at := range instants {
					for tier, sev := range []slo.Severity{slo.Page, slo.Ticket} {
						decisions++
						bw, ex := own[s.ID].At(at).Fires(sev), exported[rules.SlothID(s)].At(at).Fires(sev)
						if bw {
							fired[tier][0]++
						}
						if ex {
							fired[tier][1]++
						}
						if bw == ex {
							continue
						}
						disagreements++
						why, near := nearThreshold(t, dst, s, sev, at, tt.nearThreshold)
						msg := fmt.Sprintf("%s %s at %s: burnwatch %v, rules %v; %s", s.ID, sev, at.UTC().Format("01-02 15:04"), bw, ex, why)
						if !near {
							t.Errorf("disagreement away from every threshold: %s", msg)
						} else {
							t.Log(msg)
						}
					}
				}
			}
			t.Logf("%d decisions, %d disagree; page fired at %d (burnwatch) and %d (rules) instants, ticket at %d and %d",
				decisions, disagreements, fired[0][0], fired[0][1], fired[1][0], fired[1][1])
			if share := float64(disagreements) / float64(decisions); share > tt.maxShare {
				t.Errorf("%.2f%% of decisions disagree, want at most %.2f%%", 100*share, 100*tt.maxShare)
			}
			for tier, f := range fired {
				if half := decisions / 2; f[1] < half/20 || f[1] > half*9/10 {
					t.Errorf("the rules' %s fired at %d of %d instants; the history should make it fire at some and not at others", []string{"page", "ticket"}[tier], f[1], half)
				}
			}
		})
	}
}

// nearThreshold lists the burn rates the rules recorded for a tier's
// windows at an instant and reports whether one is within tolerance of its
// factor.
func nearThreshold(t *testing.T, dst *promtest.Server, s *slo.SLO, sev slo.Severity, at time.Time, tolerance float64) (string, bool) {
	t.Helper()
	why, near := "", false
	for _, w := range burnrate.Policy(s) {
		if w.Severity != sev {
			continue
		}
		for _, d := range []time.Duration{w.Long, w.Short} {
			vec := dst.Query(t, fmt.Sprintf(`slo:sli_error:ratio_rate%s{sloth_id=%q}`, burnrate.FormatWindow(d), rules.SlothID(s)), at)
			burn := math.NaN()
			if len(vec) == 1 {
				burn = float64(vec[0].Value) / s.ErrorBudget()
			}
			near = near || math.Abs(burn-w.Factor) <= tolerance*w.Factor
			why += fmt.Sprintf("%s burn %.4g vs %g; ", burnrate.FormatWindow(d), burn, w.Factor)
		}
	}
	return why, near
}

// backfill renders checkout's span metrics ending at end: 20 calls a
// second with a daily swing, a small baseline of bad calls, and incidents
// that cross the page and ticket thresholds of both SLOs (99.9% and 99.5%)
// in both directions.
func backfill(t *testing.T, end time.Time) string {
	t.Helper()
	evalStart := history - evaluated
	at := func(d time.Duration) time.Duration { return evalStart + d }
	calls := spanmetrics.Steady(20, 0.0002)
	calls = spanmetrics.With(calls, at(2*time.Hour), at(2*time.Hour+3*time.Minute), 1)
	calls = spanmetrics.With(calls, at(5*time.Hour), at(6*time.Hour+30*time.Minute), 0.02)
	calls = spanmetrics.With(calls, at(14*time.Hour), at(19*time.Hour), 0.008)
	calls = spanmetrics.With(calls, at(21*time.Hour), at(29*time.Hour), 0.0035)
	latency := spanmetrics.Steady(20, 0.0005)
	latency = spanmetrics.With(latency, at(3*time.Hour), at(4*time.Hour), 0.1)
	latency = spanmetrics.With(latency, at(12*time.Hour), at(18*time.Hour), 0.04)
	latency = spanmetrics.With(latency, at(22*time.Hour), at(28*time.Hour), 0.02)
	sh := spanmetrics.Shape{Start: end.Add(-history), Length: history, Scrape: time.Minute}
	labels := map[string]string{"service_name": "checkout", "span_name": "POST /checkout", "span_kind": "SPAN_KIND_SERVER"}
	var w spanmetrics.Writer
	w.WriteCalls(labels, calls, sh)
	w.WriteLatency(labels, latency, sh)
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	return text
}
