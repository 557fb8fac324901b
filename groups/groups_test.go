package groups_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/groups"
	"github.com/burnwatch/burnwatch/slo"
)

// fakeProm answers the group query with the span names it holds, and every
// other query with nothing; it counts the queries it is sent.
type fakeProm struct {
	mu      sync.Mutex
	spans   []string
	queries int
}

func (f *fakeProm) Query(_ context.Context, expr string, _ time.Time) (model.Vector, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries++
	if !strings.HasPrefix(expr, "group by (span_name)") {
		return nil, nil
	}
	var vec model.Vector
	for _, s := range f.spans {
		vec = append(vec, &model.Sample{Metric: model.Metric{"span_name": model.LabelValue(s)}, Value: 1})
	}
	return vec, nil
}

func (f *fakeProm) QueryRange(context.Context, string, burnrate.Range) (model.Matrix, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries++
	return nil, nil
}

func load(t *testing.T) []*slo.SLO {
	t.Helper()
	set, diags := slo.Load(os.DirFS("testdata"), "endpoints.yaml")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return set.SLOs
}

func spanNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("GET /items/%02d", i)
	}
	return out
}

func TestAGroupedSLOBecomesOneSLOPerSpanName(t *testing.T) {
	prom := &fakeProm{spans: []string{"POST /checkout", "Authorize", "GET /search"}}
	var e groups.Expander
	got := e.Expand(context.Background(), prom, load(t), time.Unix(1e9, 0))
	var ids []string
	for _, s := range got {
		ids = append(ids, s.ID)
		if s.Group == nil || s.Group.ID != "shop/endpoints-availability" || s.Labels["span_name"] != s.Group.Values[0] {
			t.Errorf("%s: group %+v, labels %v", s.ID, s.Group, s.Labels)
		}
		if sel := slo.Selector(s.SLI.Metric, s.SLI.Matchers); !strings.Contains(sel, fmt.Sprintf("span_name=%q", s.Group.Values[0])) {
			t.Errorf("%s selects %s", s.ID, sel)
		}
	}
	want := []string{"shop/endpoints-availability/Authorize", "shop/endpoints-availability/GET /search", "shop/endpoints-availability/POST /checkout"}
	if !slices.Equal(ids, want) {
		t.Errorf("ids %q, want %q", ids, want)
	}
	g := e.Groups()
	if len(g) != 1 || g[0].Err != nil || !slices.Equal(g[0].Members, want) {
		t.Errorf("groups %+v", g)
	}
}

func TestMoreGroupsThanMaxGroupsIsAnErrorThatKeepsTheLastGroups(t *testing.T) {
	prom := &fakeProm{spans: spanNames(3)}
	var e groups.Expander
	slos := load(t)
	first := e.Expand(context.Background(), prom, slos, time.Unix(1e9, 0))
	prom.spans = spanNames(11)
	second := e.Expand(context.Background(), prom, slos, time.Unix(1e9+30, 0))
	if len(first) != 3 || len(second) != 3 {
		t.Fatalf("expanded to %d then %d SLOs, want 3 and the same 3", len(first), len(second))
	}
	g := e.Groups()[0]
	if g.Err == nil || !strings.Contains(g.Err.Error(), "has 11 groups by span_name, more than its max_groups 10") {
		t.Errorf("error %v", g.Err)
	}
}

// TestQueriesStayFlatInTheNumberOfGroups evaluates a grouped SLO with 1 and
// with 60 groups: the planner merges the groups' selectors, so both cycles
// send as many queries.
func TestQueriesStayFlatInTheNumberOfGroups(t *testing.T) {
	at := time.Unix(1e9, 0)
	count := func(n int) int {
		prom := &fakeProm{spans: spanNames(n)}
		var e groups.Expander
		grouped := load(t)
		grouped[0].MaxGroups = 100
		slos := e.Expand(context.Background(), prom, grouped, at)
		if len(slos) != n {
			t.Fatalf("%d SLOs for %d groups", len(slos), n)
		}
		res := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(context.Background(), prom, slos, at)
		if len(res.Statuses) != n {
			t.Fatalf("%d statuses for %d groups", len(res.Statuses), n)
		}
		return res.Queries
	}
	one, many := count(1), count(60)
	if one == 0 || one != many {
		t.Errorf("a cycle sends %d queries with 1 group and %d with 60, want the same", one, many)
	}
}
