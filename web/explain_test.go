package web_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/web"
)

// legendOf returns the legend labels of an svg element.
func legendOf(svg string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<g class="key ([^"]+)">.*?<text[^>]*>([^<]+)</text></g>`).FindAllStringSubmatch(svg, -1) {
		out = append(out, m[1]+": "+m[2])
	}
	return out
}

func TestTheBurnChartExplainsTheRuleThatFires(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	srv, snap := newDistributionServer(t, at)
	// Only the 3d/6h ticket rule fires.
	for i := range snap.Statuses {
		st := &snap.Statuses[i]
		if st.SLO.ID != "checkout/requests-latency" {
			continue
		}
		for j := range st.Alerts {
			a := &st.Alerts[j]
			a.Firing = a.Long == 3*24*time.Hour
			a.LongBurnRate, a.ShortBurnRate = 0.5, 0.5
			if a.Firing {
				a.LongBurnRate, a.ShortBurnRate = 1.5, 2
			}
		}
	}
	snap.Incidents = nil
	chart := svgOf(t, fetch(t, srv+"/slo/checkout/requests-latency"), "chart-burn")
	got := legendOf(chart)
	want := []string{"s0: burn rate over 3d", "s1: burn rate over 6h", "ticket: ticket above 1"}
	if !slices.Equal(got, want) {
		t.Errorf("burn chart legend %q, want %q", got, want)
	}
	if strings.Contains(chart, "burn rate over 1h") || strings.Contains(chart, "page above") {
		t.Error("the burn chart still draws the 1h page rule")
	}
}

func TestTheBudgetLegendSaysWhatItsLineMeans(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	srv, _ := newDistributionServer(t, at)
	chart := svgOf(t, fetch(t, srv+"/slo/checkout/requests-latency?range=period"), "chart-budget")
	got := legendOf(chart)
	want := []string{"s0: budget remaining", "zero: 0% left: the budget is spent"}
	if !slices.Equal(got, want) {
		t.Errorf("budget chart legend %q, want %q", got, want)
	}
}

func TestTheBudgetChartSaysWhyItsLineRecovers(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	srv, _ := newDistributionServer(t, at)
	body := fetch(t, srv+"/slo/checkout/requests-latency?range=period")
	if !strings.Contains(body, "<figcaption>The period rolls: budget spent more than 30d before a point no longer counts at it") {
		t.Error("the budget chart does not say, under it, why its line climbs back")
	}
}

func TestTheBarLegendKeysOnlyWhatIsDrawn(t *testing.T) {
	slos := loadFixtureSLOs(t)
	st := fakeStatus(slos["checkout/requests-latency"], 0.5, constant(0.5))
	var tickets []burnrate.AlertStatus
	for _, a := range st.Alerts {
		if a.Severity == "ticket" {
			tickets = append(tickets, a)
		}
	}
	st.Alerts = tickets // paging off
	snap := &web.Snapshot{At: fixtureAt, Statuses: []burnrate.Status{st}}
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }})
	_, body := get(t, srv, "/slo/checkout/requests-latency")
	got := legendOf(svgOf(t, body, "burn-bars"))
	want := []string{"bar-ok: at most 1", "ticket: ticket threshold", "one: burn rate 1"}
	if !slices.Equal(got, want) {
		t.Errorf("bar legend %q, want %q", got, want)
	}
}

func TestTheBarLegendHasAKeyForEveryBarColour(t *testing.T) {
	snap := fixtureSnapshot(t)
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }})
	_, body := get(t, srv, "/slo/payments/authorize-errors")
	chart := svgOf(t, body, "burn-bars")
	keys := map[string]bool{}
	for _, k := range legendOf(chart) {
		keys[strings.SplitN(k, ":", 2)[0]] = true
	}
	for _, m := range regexp.MustCompile(`<rect class="(bar-[a-z]+)"`).FindAllStringSubmatch(chart, -1) {
		if !keys[m[1]] {
			t.Errorf("bars of class %s have no legend key (keys: %v)", m[1], keys)
		}
	}
}

func TestBurnRatesFromASliverToHundredsAreAllReadable(t *testing.T) {
	slos := loadFixtureSLOs(t)
	st := fakeStatus(slos["checkout/requests-latency"], 0.5, func(w time.Duration) float64 {
		if w <= 5*time.Minute {
			return 264
		}
		return 0.3
	})
	snap := &web.Snapshot{At: fixtureAt, Statuses: []burnrate.Status{st}}
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }})
	_, body := get(t, srv, "/slo/checkout/requests-latency")
	chart := svgOf(t, body, "burn-bars")
	for _, m := range regexp.MustCompile(`<rect class="bar-[a-z]+" x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)" height="[0-9.]+"><title>([^<]+)</title>`).FindAllStringSubmatch(chart, -1) {
		w, _ := strconv.ParseFloat(m[1], 64)
		if w < 40 {
			t.Errorf("%s: a bar %.1f units wide cannot be read", m[2], w)
		}
	}
	for _, v := range []string{">264<", ">0.3<"} {
		if !strings.Contains(chart, v) {
			t.Errorf("the bar chart does not print %s", v)
		}
	}
}

func TestTheAlertsPageShowsTheRulesOfTheLatestEvaluation(t *testing.T) {
	snap := fixtureSnapshot(t)
	slos := loadFixtureSLOs(t)
	for i := range snap.Statuses {
		if snap.Statuses[i].SLO.ID == "checkout/requests-latency" {
			snap.Statuses[i] = fakeStatus(slos["checkout/requests-latency"], 0.1, constant(395.4))
		}
	}
	snap.Incidents[0].Windows[0].LongBurnRate = 50.6 // as the incident opened
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }})
	_, body := get(t, srv, "/alerts")
	i := strings.Index(body, `<article class="incident firing`)
	if i < 0 {
		t.Fatal("no firing incident on /alerts")
	}
	firing := body[i : i+strings.Index(body[i:], "</article>")]
	if strings.Contains(firing, "50.6") || !strings.Contains(firing, "395.4") {
		t.Errorf("the firing incident shows stale burn rates:\n%s", firing)
	}
	if strings.Contains(firing, "Rules at the last firing evaluation") {
		t.Error("the firing incident's rules are captioned as of the last firing evaluation")
	}
}
