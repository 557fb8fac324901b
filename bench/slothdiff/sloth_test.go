package slothdiff_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/bench/internal/report"
	"github.com/burnwatch/burnwatch/bench/internal/slotheval"
	"github.com/burnwatch/burnwatch/bench/internal/statsquery"
	"github.com/burnwatch/burnwatch/bench/internal/timeline"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/promtest"
	"github.com/burnwatch/burnwatch/slo"
)

// evalStep is how often decisions are compared: every 5 minutes, 20
// seconds after the minute, so that instants fall between scrapes.
const evalStep = 5 * time.Minute

// TestPageAndTicketDecisionsEqualThoseOfSlothsRules backfills a real
// Prometheus with the history, has Prometheus evaluate the rules Sloth
// v0.16.0 generates for testdata/sloth.yml at every instant (recording
// rules as range queries, alerting rules over what they recorded), and
// compares each instant's page and ticket decisions with burnwatch's
// evaluation, through prom.NewHTTP against the same Prometheus.
//
// For the Sloth spec itself burnwatch reads the events SLI's summed
// counters as Sloth's templates write them: its short windows as
// increase() (rate() × the window), its long ones from tiles of the same
// counters, and must agree at every instant. For the same SLOs written as
// burnwatch span-metrics SLIs it plans its own queries, and may disagree
// only where a burn rate sits at its threshold.
func TestPageAndTicketDecisionsEqualThoseOfSlothsRules(t *testing.T) {
	ctx := context.Background()
	end := time.Now().Add(-10 * time.Minute).Truncate(time.Minute)
	src := promtest.Start(t, promtest.Options{Backfill: backfill(t, end)})

	data, err := os.ReadFile("testdata/sloth.rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	rules, err := slotheval.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	segs := []timeline.Segment{{Start: end.Add(-evaluated + 20*time.Second), End: end.Add(-time.Minute), Step: evalStep}}
	var w promtest.OpenMetricsWriter
	if err := slotheval.Record(ctx, src.Querier(), rules, segs, &w); err != nil {
		t.Fatal(err)
	}
	recorded, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	dst := promtest.Start(t, promtest.Options{Backfill: recorded, ExtraFlags: []string{"--query.lookback-delta=1s"}})
	sloth, err := slotheval.Alerts(ctx, dst.Querier(), rules, segs)
	if err != nil {
		t.Fatal(err)
	}
	instants := timeline.Instants(segs...)
	var table report.Table
	table.Header = []string{"spec", "decisions", "agree", "page fired (burnwatch / Sloth)", "ticket fired (burnwatch / Sloth)", "disagreements", "burnwatch queries and samples per steady cycle"}
	var notes []string
	defer func() { writeSection(t, &table, notes, len(instants)) }()

	tests := []struct {
		name string
		spec string
		// nearThreshold is how close to its factor a burn rate must be for
		// a disagreement to be accepted; 0 accepts none.
		nearThreshold float64
		// maxShare bounds the share of decisions that may disagree.
		maxShare float64
	}{
		{name: "The Sloth spec: its events SLI agrees at every instant.", spec: "sloth.yml"},
		{name: "The same SLOs as span-metrics SLIs: disagreements only at a threshold.", spec: "native.yaml", nearThreshold: 0.03, maxShare: 0.02},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, diags := slo.Load(os.DirFS("testdata"), tt.spec)
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			statuses := evaluate(t, src.Querier(), set.SLOs, instants)
			var c comparison
			for _, s := range set.SLOs {
				slothID := strings.ReplaceAll(s.ID, "/", "-")
				for i, at := range instants {
					c.compare(t, dst, statuses[s.ID][i], sloth[slothID].At(at), slothID, tt.nearThreshold)
				}
			}
			t.Logf("%s: %d decisions, %d agree; page fired at %d (burnwatch) and %d (Sloth) instants, ticket at %d and %d; %d disagreements",
				tt.spec, c.decisions, c.decisions-len(c.disagreements), c.fired[0][0], c.fired[0][1], c.fired[1][0], c.fired[1][1], len(c.disagreements))
			table.Row(tt.spec, fmt.Sprint(c.decisions), fmt.Sprint(c.decisions-len(c.disagreements)),
				fmt.Sprintf("%d / %d", c.fired[0][0], c.fired[0][1]), fmt.Sprintf("%d / %d", c.fired[1][0], c.fired[1][1]), fmt.Sprint(len(c.disagreements)), steadyCost(t, src.URL, set.SLOs, end))
			for _, d := range c.disagreements {
				notes = append(notes, tt.spec+": "+d)
			}
			for _, d := range c.disagreements {
				t.Log(d)
			}
			if share := float64(len(c.disagreements)) / float64(c.decisions); share > tt.maxShare {
				t.Errorf("%.2f%% of decisions disagree, want at most %.2f%%", 100*share, 100*tt.maxShare)
			}
			// The history must make both tiers fire, and stop firing.
			for tier, f := range c.fired {
				if f[1] < c.decisions/2/10 || f[1] > c.decisions/2*9/10 {
					t.Errorf("Sloth's %s fired at %d of %d instants; the history should make it fire at some and not at others", []string{"page", "ticket"}[tier], f[1], c.decisions/2)
				}
			}
		})
	}
}

// writeSection adds the comparison to the benchmark report when the suite
// runs under make bench.
func writeSection(t *testing.T, table *report.Table, notes []string, instants int) {
	dir := os.Getenv(report.DirEnv)
	if dir == "" || t.Failed() {
		return
	}
	md := "## Differential test against Sloth\n\n" +
		fmt.Sprintf("`go test ./bench/slothdiff` (also part of `go test ./...`): two SLOs (availability 99.9%%, latency 99.5%%) on %s of span metrics in a real Prometheus 2.42, one scrape a minute, with incidents that cross every rule's threshold in both directions over the last %s. Sloth v0.16.0's rules for testdata/sloth.yml are evaluated by Prometheus at %d instants (every %s, 20 s after a scrape; recording rules as range queries, alerting rules over what they recorded); burnwatch evaluates the same spec (and the same SLOs as native span-metrics SLIs) through prom.NewHTTP at the same instants. Each instant gives two decisions per SLO: page and ticket.\n\n",
			report.Duration(history), report.Duration(evaluated), instants, report.Duration(evalStep)) +
		table.String()
	for _, n := range notes {
		md += "\n- " + n
	}
	report.Write(t, dir, "differential", md+"\n")
}

// TestGoldenRulesAreSlothsOutput checks that testdata/sloth.rules.yml is
// what Sloth v0.16.0 generates for testdata/sloth.yml, when the slothrules
// binary is at hand (make bench).
func TestGoldenRulesAreSlothsOutput(t *testing.T) {
	if os.Getenv(report.SlothRulesEnv) == "" {
		t.Skipf("set %s to the slothrules binary (make bench does) to regenerate the rules", report.SlothRulesEnv)
	}
	out, err := exec.Command(report.SlothRules(t), "testdata/sloth.yml").Output()
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile("testdata/sloth.rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, golden) {
		t.Error("testdata/sloth.rules.yml is not what Sloth generates for testdata/sloth.yml: go generate ./bench/slothdiff")
	}
}

// steadyCost evaluates the SLOs twice, 30 s apart, through a querier that
// asks Prometheus for statistics, and describes the second cycle's cost.
func steadyCost(t *testing.T, url string, slos []*slo.SLO, end time.Time) string {
	t.Helper()
	q := statsquery.New(url)
	ev := burnrate.NewEvaluator(burnrate.Options{})
	ev.Evaluate(context.Background(), q, slos, end.Add(-10*time.Minute))
	q.Take()
	ev.Evaluate(context.Background(), q, slos, end.Add(-9*time.Minute-30*time.Second))
	c := q.Take()
	return fmt.Sprintf("%d, %s", c.Queries, report.Count(c.Samples))
}

// evaluate steps an evaluator through the instants and returns, per SLO
// id, its status at each.
func evaluate(t *testing.T, q burnrate.Querier, slos []*slo.SLO, instants []time.Time) map[string][]burnrate.Status {
	t.Helper()
	ev := burnrate.NewEvaluator(burnrate.Options{})
	out := map[string][]burnrate.Status{}
	for _, at := range instants {
		for _, st := range ev.Evaluate(context.Background(), q, slos, at).Statuses {
			if st.State == burnrate.StateError {
				t.Fatalf("%s at %s: %s", st.SLO.ID, at.Format(time.RFC3339), st.Reason)
			}
			out[st.SLO.ID] = append(out[st.SLO.ID], st)
		}
	}
	return out
}

// comparison tallies decisions and explains the ones that differ.
type comparison struct {
	decisions int
	// fired counts firing instants per tier (page, ticket) for burnwatch
	// and for Sloth.
	fired         [2][2]int
	disagreements []string
}

func (c *comparison) compare(t *testing.T, dst *promtest.Server, st burnrate.Status, sloth timeline.Decision, slothID string, nearThreshold float64) {
	t.Helper()
	for tier, sev := range []slo.Severity{slo.Page, slo.Ticket} {
		c.decisions++
		bw := false
		for _, a := range st.Alerts {
			bw = bw || (a.Severity == sev && a.Firing)
		}
		sl := sloth.Fires(sev)
		if bw {
			c.fired[tier][0]++
		}
		if sl {
			c.fired[tier][1]++
		}
		if bw == sl {
			continue
		}
		why, near := explain(t, dst, st, sev, slothID, nearThreshold)
		msg := fmt.Sprintf("%s %s at %s: burnwatch %v, Sloth %v; %s", st.SLO.ID, sev, st.At.UTC().Format("01-02 15:04:05"), bw, sl, why)
		c.disagreements = append(c.disagreements, msg)
		if !near {
			t.Errorf("disagreement away from every threshold: %s", msg)
		}
	}
}

// explain lists, for each rule of a tier, burnwatch's burn rates and those
// Sloth recorded for the same windows and instant, and reports whether one
// of them is within nearThreshold of the rule's factor.
func explain(t *testing.T, dst *promtest.Server, st burnrate.Status, sev slo.Severity, slothID string, nearThreshold float64) (string, bool) {
	t.Helper()
	var parts []string
	near := false
	budget := st.SLO.ErrorBudget()
	for _, a := range st.Alerts {
		if a.Severity != sev {
			continue
		}
		slothLong := slothBurn(t, dst, slothID, a.Long, st.At, budget)
		slothShort := slothBurn(t, dst, slothID, a.Short, st.At, budget)
		for _, b := range []float64{a.LongBurnRate, a.ShortBurnRate, slothLong, slothShort} {
			near = near || math.Abs(b-a.Factor) <= nearThreshold*a.Factor
		}
		parts = append(parts, fmt.Sprintf("%s/%s × %g: burnwatch %.4g/%.4g, Sloth %.4g/%.4g",
			burnrate.FormatWindow(a.Long), burnrate.FormatWindow(a.Short), a.Factor, a.LongBurnRate, a.ShortBurnRate, slothLong, slothShort))
	}
	return strings.Join(parts, "; "), near
}

// slothBurn is the burn rate in the SLI ratio Sloth recorded for a window.
func slothBurn(t *testing.T, dst *promtest.Server, slothID string, w time.Duration, at time.Time, budget float64) float64 {
	t.Helper()
	vec := dst.Query(t, fmt.Sprintf(`slo:sli_error:ratio_rate%s{sloth_id=%q}`, burnrate.FormatWindow(w), slothID), at)
	if len(vec) != 1 {
		return math.NaN()
	}
	return float64(vec[0].Value) / budget
}
