package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/web"
)

// urgencySnapshot has an ok SLO with little budget left beside a burning
// one and a firing one with more.
func urgencySnapshot(t testing.TB) *web.Snapshot {
	slos := loadFixtureSLOs(t)
	return &web.Snapshot{At: fixtureAt, Statuses: []burnrate.Status{
		fakeStatus(slos["search/query-latency"], 0.1, constant(0.2)),
		fakeStatus(slos["payments/authorize-errors"], 0.7, func(w time.Duration) float64 {
			if w <= time.Hour {
				return 2
			}
			return 0.5 // burning over 1h, below every threshold
		}),
		fakeStatus(slos["checkout/requests-latency"], 0.95, constant(20)),
		fakeStatus(slos["checkout/requests-availability"], -99, constant(0.5)),
	}}
}

func TestOverviewPutsFiringAndBurningSLOsFirstThenTheLowestBudget(t *testing.T) {
	snap := urgencySnapshot(t)
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }})
	res, body := get(t, srv, "/?group=none")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	want := []string{"checkout/requests-latency", "payments/authorize-errors", "checkout/requests-availability", "search/query-latency"}
	var got []string
	for _, m := range regexp.MustCompile(`<tr class="row-[a-z]+" data-slo="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		got = append(got, m[1])
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rows in the order %v, want %v", got, want)
	}
}

func TestOverviewShowsTheAttainmentAgainstTheObjective(t *testing.T) {
	snap := urgencySnapshot(t)
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }})
	_, body := get(t, srv, "/?group=none")
	for _, c := range []struct{ name, id, want string }{
		// 99% objective, 10% of the budget left: 0.9% of calls were bad.
		{"an SLO within its objective", "search/query-latency", `<td class="attainment met" data-label="Attainment"><span class="num">99.10%</span>`},
		// 99.9% objective, 95% left: 0.005% of calls were bad, which rounds
		// to 100.00% but is not.
		{"an SLO just short of perfect", "checkout/requests-latency", `<td class="attainment met" data-label="Attainment"><span class="num">99.99%</span>`},
		// 99.9% objective, −9900% left: 100 budgets of 0.1%, all calls bad.
		{"an SLO below its objective", "checkout/requests-availability", `<td class="attainment missed" data-label="Attainment"><span class="num">90.00%</span>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			i := strings.Index(body, `data-slo="`+c.id+`"`)
			if i < 0 {
				t.Fatalf("%s is not on the overview", c.id)
			}
			row := body[i : i+strings.Index(body[i:], "</tr>")]
			if !strings.Contains(row, c.want) {
				t.Errorf("the row of %s lacks %s:\n%s", c.id, c.want, row)
			}
		})
	}
}
