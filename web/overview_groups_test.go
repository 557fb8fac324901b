package web_test

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

// groupedUrgencySnapshot is urgencySnapshot with inventory/idle grouped by
// span_name: one member burning, one ok with the lowest budget of all, one
// ok with most of its budget.
func groupedUrgencySnapshot(t testing.TB) *web.Snapshot {
	t.Helper()
	snap := urgencySnapshot(t)
	base := *loadFixtureSLOs(t)["inventory/idle"]
	base.GroupBy = []string{"span_name"}
	member := func(v string) *slo.SLO {
		m, err := slo.ExpandGroup(&base, []string{v})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	snap.Statuses = append(snap.Statuses,
		fakeStatus(member("GET /health"), 0.99, constant(0.1)),
		fakeStatus(member("GET /"), 0.8, func(w time.Duration) float64 {
			if w <= time.Hour {
				return 2
			}
			return 0.5
		}),
		fakeStatus(member("POST /orders"), 0.05, constant(0.1)),
	)
	return snap
}

var overviewRow = regexp.MustCompile(`<tr class="([^"]*)" data-(slo|group)="([^"]+)"`)

func TestOverviewShowsAGroupedSLOsMembersTogetherUnderItsHead(t *testing.T) {
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return groupedUrgencySnapshot(t) }})
	tests := []struct {
		name, path string
		want       []string
	}{
		{"in one list, the group where its most urgent member goes", "/?group=none", []string{
			"slo checkout/requests-latency", "slo payments/authorize-errors",
			"group inventory/idle", "slo inventory/idle/GET /", "slo inventory/idle/POST /orders", "slo inventory/idle/GET /health",
			"slo checkout/requests-availability", "slo search/query-latency",
		}},
		{"by service, the group in its service", "/?group=service&service=inventory", []string{
			"group inventory/idle", "slo inventory/idle/GET /", "slo inventory/idle/POST /orders", "slo inventory/idle/GET /health",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body := get(t, srv, tt.path)
			var got []string
			for _, m := range overviewRow.FindAllStringSubmatch(body, -1) {
				got = append(got, m[2]+" "+html.UnescapeString(m[3]))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			head := regexp.MustCompile(`<tr class="slo-group row-burning" data-group="inventory/idle">[\s\S]*?</tr>`).FindString(body)
			for _, want := range []string{">burning</span>", "3 grouped SLOs", "lowest budget 5.0%"} {
				if !strings.Contains(head, want) {
					t.Errorf("the group's head %q lacks %q", head, want)
				}
			}
		})
	}
}
