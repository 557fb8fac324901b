package daemon

import (
	"context"
	"encoding/json"
	"html/template"
	"log/slog"
	"maps"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
)

// TestAGroupedSLOIsEvaluatedAsOneSLOPerGroup runs a cycle of the daemon on
// an SLO grouped by span_name over two spans, one of which fails: the cycle
// evaluates one SLO per span, only the failing one pages, and
// /api/v1/groups lists the group's members.
func TestAGroupedSLOIsEvaluatedAsOneSLOPerGroup(t *testing.T) {
	e, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	at := time.Now().Truncate(time.Minute)
	err = e.Load(context.Background(), at.Add(-3*time.Hour), time.Minute, `
traces_span_metrics_calls_total{service_name="checkout",span_name="POST /checkout",status_code="STATUS_CODE_UNSET"} 0+90x180
traces_span_metrics_calls_total{service_name="checkout",span_name="POST /checkout",status_code="STATUS_CODE_ERROR"} 0+10x180
traces_span_metrics_calls_total{service_name="checkout",span_name="GET /cart",status_code="STATUS_CODE_UNSET"} 0+100x180
traces_span_metrics_calls_total{service_name="checkout",span_name="GET /",status_code="STATUS_CODE_UNSET"} 0+100x180
`)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, "specs", "checkout.yaml"), `version: burnwatch/v1
team: checkout
slos:
  - name: endpoints
    service: checkout
    objective: 99.9
    group_by: [span_name]
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="checkout"}
`)
	writeTestFile(t, filepath.Join(dir, "burnwatch.yaml"), "prometheus: {url: http://127.0.0.1:9}\nspecs: [specs]\n")
	d, err := New(Options{ConfigPath: filepath.Join(dir, "burnwatch.yaml"), Querier: e, Unscheduled: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	res := d.Evaluate(context.Background(), at)
	firing := map[string]string{}
	for _, st := range res.Statuses {
		firing[st.SLO.ID] = string(st.Firing())
	}
	want := map[string]string{"checkout/endpoints/GET /": "", "checkout/endpoints/GET /cart": "", "checkout/endpoints/POST /checkout": "page"}
	if !maps.Equal(firing, want) {
		t.Errorf("firing %v, want %v", firing, want)
	}
	var groups []groupJSON
	if err := json.Unmarshal([]byte(get(t, d, "/api/v1/groups")), &groups); err != nil {
		t.Fatal(err)
	}
	page := get(t, d, "/groups")
	for _, want := range []string{"checkout/endpoints", "<td>page</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("/groups does not show %q:\n%s", want, page)
		}
	}
	// Every member's link opens that member's page, a value ending in "/"
	// included.
	for _, id := range slices.Sorted(maps.Keys(want)) {
		m := regexp.MustCompile(`href="(slo/[^"]*)">` + regexp.QuoteMeta(id) + `<`).FindStringSubmatch(page)
		if m == nil {
			t.Errorf("/groups links no page for %q:\n%s", id, page)
			continue
		}
		rec := httptest.NewRecorder()
		d.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/"+m[1], nil))
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), template.HTMLEscapeString(id)) {
			t.Errorf("GET /%s (the link of %q) = %d, not its page", m[1], id, rec.Code)
		}
	}
	if len(groups) != 1 || groups[0].ID != "checkout/endpoints" || !slices.Equal(groups[0].Members, []string{"checkout/endpoints/GET /", "checkout/endpoints/GET /cart", "checkout/endpoints/POST /checkout"}) || groups[0].Error != "" {
		t.Errorf("/api/v1/groups = %+v", groups)
	}
}

// TestAGroupedSLOThatDoesNotFitTheDataIsAnErrorNotAPage checks a grouped
// latency SLO whose threshold is no bucket boundary: each of its groups is
// in state error, naming the nearest boundaries, and none pages.
func TestAGroupedSLOThatDoesNotFitTheDataIsAnErrorNotAPage(t *testing.T) {
	e, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	h := "traces_span_metrics_duration_milliseconds"
	if err := e.Load(context.Background(), start, time.Minute, ""+
		h+`_bucket{service_name="checkout",span_name="GET /cart",le="1000"} 0+100x180`+"\n"+
		h+`_bucket{service_name="checkout",span_name="GET /cart",le="2000"} 0+100x180`+"\n"+
		h+`_bucket{service_name="checkout",span_name="GET /cart",le="+Inf"} 0+100x180`+"\n"+
		h+`_count{service_name="checkout",span_name="GET /cart"} 0+100x180`+"\n"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, "specs", "checkout.yaml"), `version: burnwatch/v1
team: checkout
slos:
  - name: endpoints-latency
    service: checkout
    objective: 99.9
    group_by: [span_name]
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}
        threshold: 1500ms
`)
	writeTestFile(t, filepath.Join(dir, "burnwatch.yaml"), "prometheus: {url: http://127.0.0.1:9}\nspecs: [specs]\n")
	d, err := New(Options{ConfigPath: filepath.Join(dir, "burnwatch.yaml"), Querier: e, Unscheduled: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	at := start.Add(180 * time.Minute)
	if _, complete := d.CheckData(context.Background(), at); !complete {
		t.Fatal("the checks did not all run")
	}
	res := d.Evaluate(context.Background(), at)
	if len(res.Statuses) != 1 {
		t.Fatalf("%d statuses, want the one group's", len(res.Statuses))
	}
	st := res.Statuses[0]
	if st.SLO.ID != "checkout/endpoints-latency/GET /cart" || st.State != burnrate.StateError || !strings.Contains(st.Reason, "the nearest are 1000 and 2000") || st.Firing() != "" {
		t.Errorf("%s: state %s (%s), firing %q; want the group in state error, not firing", st.SLO.ID, st.State, st.Reason, st.Firing())
	}
}
