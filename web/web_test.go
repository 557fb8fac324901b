package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/web"
)

func TestOverviewOrdersWorstBudgetFirst(t *testing.T) {
	srv := newFixtureServer(t, web.Options{})
	for _, c := range []struct {
		name, path string
		want       []string
	}{
		{
			"ungrouped, the lowest budget leads and unknown budgets come last, failures first",
			"/?group=none",
			[]string{"checkout/requests-latency", "payments/authorize-errors", "checkout/requests-availability", "search/query-latency", "order-consumer/messages-processed", "inventory/idle"},
		},
		{
			"grouped by team, a team sits where its worst SLO would",
			"/",
			[]string{"checkout/requests-latency", "checkout/requests-availability", "payments/authorize-errors", "search/query-latency", "order-consumer/messages-processed", "inventory/idle"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, body := get(t, srv, c.path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			needles := make([]string, len(c.want))
			for i, id := range c.want {
				needles[i] = `data-slo="` + id + `"`
			}
			pos := positions(body, needles...)
			for i := range pos {
				if pos[i] < 0 {
					t.Errorf("%s is not on the overview", c.want[i])
				} else if i > 0 && pos[i] < pos[i-1] {
					t.Errorf("%s comes before %s", c.want[i], c.want[i-1])
				}
			}
		})
	}
}

func TestOverviewShowsStatusAtAGlance(t *testing.T) {
	srv := newFixtureServer(t, web.Options{})
	_, body := get(t, srv, "/?group=none")
	for _, want := range []string{
		`<span class="badge page"`, "page firing", // the burning latency SLO
		`<span class="badge burning"`, // payments at burn 2
		`<span class="badge error"`, "connection refused",
		`<span class="badge nodata"`,
		`<span class="badge ok"`,
		"30.0%",            // budget remaining as a number
		`class="budgetbar`, // and as a bar
		`<span class="num">20</span> <span class="muted">over 1h</span>`,
		`<h2 id="firing-now">Firing now</h2>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
}

func TestOverviewFilters(t *testing.T) {
	srv := newFixtureServer(t, web.Options{})
	for _, c := range []struct {
		name, query string
		shown, gone []string
	}{
		{"a team keeps its own SLOs", "?team=checkout", []string{"checkout/requests-latency", "checkout/requests-availability"}, []string{"payments/authorize-errors", "search/query-latency"}},
		{"a service keeps its own SLOs", "?service=payments", []string{"payments/authorize-errors"}, []string{"checkout/requests-latency", "inventory/idle"}},
		{"team and service both apply", "?team=fulfilment&service=inventory", []string{"inventory/idle"}, []string{"order-consumer/messages-processed"}},
		{"an unknown team keeps nothing and says so", "?team=nobody", nil, []string{"checkout/requests-latency"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, body := get(t, srv, "/"+c.query)
			for _, id := range c.shown {
				if !strings.Contains(body, `data-slo="`+id+`"`) {
					t.Errorf("%s is missing", id)
				}
			}
			for _, id := range c.gone {
				if strings.Contains(body, `data-slo="`+id+`"`) {
					t.Errorf("%s is shown", id)
				}
			}
			if len(c.shown) == 0 && !strings.Contains(body, "No SLO matches this filter") {
				t.Error("an empty result does not say that nothing matched")
			}
		})
	}
}

func TestDetailPage(t *testing.T) {
	srv := newFixtureServer(t, web.Options{ExternalURL: "https://burnwatch.example.com"})
	res, body := get(t, srv, "/slo/checkout/requests-latency")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{
		"Pages if the 1h and 5m burn rates both exceed 14.4; now 20 and 20.",
		"Pages if the 6h and 30m burn rates both exceed 6; now 20 and 20.",
		"Opens a ticket if the 1d and 2h burn rates both exceed 3; now 20 and 20.",
		"Burning at 14.4 for 1h spends 2% of the 30d budget.",
		"firing now",
		"At the burn rate of the last 1h (20), the remaining 30.0% of the budget is exhausted in 10h 48m.",
		`href="http://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736"`,
		`<svg id="burn-bars"`, `<svg id="alert-timeline"`,
		"History charts are off",
		"sum(increase(traces_span_metrics_duration_milliseconds_count{service_name=&#34;checkout&#34;}[1h]))",
		"the SRE Workbook&#39;s windows for a 30d period",
		"https://burnwatch.example.com/slo/checkout/requests-latency",
		`href="https://runbooks.example.com/checkout/latency"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("SLO page lacks %q", want)
		}
	}
}

func TestDetailPageOfAFailedEvaluation(t *testing.T) {
	srv := newFixtureServer(t, web.Options{})
	_, body := get(t, srv, "/slo/order-consumer/messages-processed")
	for _, want := range []string{
		"connection refused",
		"Pages if the 1h and 5m burn rates both exceed 14.4; now not known",
		"Time to exhaustion is not known: the last evaluation failed.",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("SLO page lacks %q", want)
		}
	}
}

func TestNotFound(t *testing.T) {
	srv := newFixtureServer(t, web.Options{})
	for _, c := range []struct {
		name, path, contentType string
	}{
		{"an unknown SLO's page", "/slo/checkout/nope", "text/html; charset=utf-8"},
		{"an SLO id without its service", "/slo/requests-latency", "text/html; charset=utf-8"},
		{"an unknown SLO in the API", "/api/v1/slos/checkout/nope", "application/json; charset=utf-8"},
		{"an unknown API path", "/api/v1/nothing", "application/json; charset=utf-8"},
		{"an unknown page", "/nothing", "text/html; charset=utf-8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, _ := get(t, srv, c.path)
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("status %d, want 404", res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != c.contentType {
				t.Errorf("content type %q, want %q", got, c.contentType)
			}
		})
	}
}

func TestAlertsPage(t *testing.T) {
	srv := newFixtureServer(t, web.Options{})
	_, body := get(t, srv, "/alerts")
	for _, want := range []string{
		"checkout/requests-latency burns its error budget 20× too fast",
		"pagerduty", "slack", "slack answered 503", "firing for 25m",
		"payments/authorize-errors burned 3.4× over 1d.", "lasted 4h",
		`<span class="count firing">1 firing</span>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("alerts page lacks %q", want)
		}
	}
	if a, b := strings.Index(body, "Firing</h2>"), strings.Index(body, "Recently resolved</h2>"); a < 0 || b < a ||
		strings.Index(body, "payments/authorize-errors burned") < b {
		t.Error("the resolved incident is not under Recently resolved")
	}
}

func TestHostileSpecTextIsEscaped(t *testing.T) {
	srv := newFixtureServer(t, web.Options{})
	for _, path := range []string{"/", "/?group=none", "/slo/search/query-latency", "/?team=" + "%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E"} {
		t.Run(path, func(t *testing.T) {
			_, body := get(t, srv, path)
			// The only script is the dashboard's own reloader, from its own
			// origin.
			own := regexp.MustCompile(`<script src="/static/refresh\.js\?v=[0-9a-f]+" defer></script>`)
			if strings.Contains(own.ReplaceAllString(body, ""), "<script") {
				t.Errorf("a <script> tag made it into the page")
			}
			if !strings.Contains(body, "&lt;script&gt;window.__pwned=1&lt;/script&gt;") {
				t.Errorf("the hostile text is not shown as text")
			}
		})
	}
}

func TestUnsafeLinksAreDefused(t *testing.T) {
	snap := fixtureSnapshot(t)
	snap.Incidents[0].Traces[0].URL = "javascript:alert(1)"
	snap.Statuses[3].SLO.Alerting.RunbookURL = "javascript:alert(2)"
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }})
	for _, path := range []string{"/slo/checkout/requests-latency", "/alerts"} {
		_, body := get(t, srv, path)
		if strings.Contains(body, `href="javascript:`) {
			t.Errorf("%s links to javascript:", path)
		}
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	srv := newFixtureServer(t, web.Options{Auth: web.Auth{BearerToken: "s3cret"}})
	auth := []string{"Authorization", "Bearer s3cret"}
	for _, c := range []struct {
		name, method, path string
		header             []string
		status             int
	}{
		{"overview", http.MethodGet, "/", auth, 200},
		{"SLO page", http.MethodGet, "/slo/checkout/requests-latency", auth, 200},
		{"alerts", http.MethodGet, "/alerts", auth, 200},
		{"API", http.MethodGet, "/api/v1/slos", auth, 200},
		{"stylesheet", http.MethodGet, "/static/style.css", auth, 200},
		{"not found", http.MethodGet, "/nothing", auth, 404},
		{"method not allowed", http.MethodPost, "/", auth, 405},
		{"unauthorized", http.MethodGet, "/", nil, 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, _ := request(t, srv, c.method, c.path, c.header...)
			if res.StatusCode != c.status {
				t.Errorf("status %d, want %d", res.StatusCode, c.status)
			}
			for name, want := range map[string]string{
				"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
				"X-Content-Type-Options":  "nosniff",
				"X-Frame-Options":         "DENY",
				"Referrer-Policy":         "no-referrer",
			} {
				if got := res.Header.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestAuth(t *testing.T) {
	bearer := newFixtureServer(t, web.Options{Auth: web.Auth{BearerToken: "s3cret"}})
	basic := newFixtureServer(t, web.Options{Auth: web.Auth{BasicUser: "oncall", BasicPassword: "pa55"}})
	basicHeader := func(user, password string) []string {
		req, _ := http.NewRequest(http.MethodGet, "/", nil)
		req.SetBasicAuth(user, password)
		return []string{"Authorization", req.Header.Get("Authorization")}
	}
	for _, c := range []struct {
		name   string
		srv    string
		header []string
		status int
	}{
		{"no token is refused", "bearer", nil, 401},
		{"a wrong token is refused", "bearer", []string{"Authorization", "Bearer nope"}, 401},
		{"a token that only starts right is refused", "bearer", []string{"Authorization", "Bearer s3cretX"}, 401},
		{"the right token is let in", "bearer", []string{"Authorization", "Bearer s3cret"}, 200},
		{"the scheme is case-insensitive", "bearer", []string{"Authorization", "bearer s3cret"}, 200},
		{"basic auth is not a bearer token", "bearer", basicHeader("oncall", "s3cret"), 401},
		{"no password is refused", "basic", nil, 401},
		{"a wrong password is refused", "basic", basicHeader("oncall", "nope"), 401},
		{"a wrong user is refused", "basic", basicHeader("root", "pa55"), 401},
		{"the right user and password are let in", "basic", basicHeader("oncall", "pa55"), 200},
	} {
		for _, path := range []string{"/", "/api/v1/slos", "/slo/checkout/requests-latency"} {
			t.Run(c.name+" "+path, func(t *testing.T) {
				srv := bearer
				if c.srv == "basic" {
					srv = basic
				}
				res, _ := get(t, srv, path, c.header...)
				if res.StatusCode != c.status {
					t.Errorf("status %d, want %d", res.StatusCode, c.status)
				}
				if c.status == 401 && res.Header.Get("WWW-Authenticate") == "" {
					t.Error("a 401 without WWW-Authenticate")
				}
			})
		}
	}
}

func TestNewRejectsHalfConfiguredOptions(t *testing.T) {
	snap := func() *web.Snapshot { return nil }
	for _, c := range []struct {
		name string
		opts web.Options
	}{
		{"no snapshot function", web.Options{}},
		{"a basic user without a password", web.Options{Snapshot: snap, Auth: web.Auth{BasicUser: "oncall"}}},
		{"a relative external URL", web.Options{Snapshot: snap, ExternalURL: "/burnwatch"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := web.New(c.opts); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}

func TestReadOnly(t *testing.T) {
	srv := newFixtureServer(t, web.Options{})
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
		for _, path := range []string{"/", "/slo/checkout/requests-latency", "/alerts", "/api/v1/slos", "/api/v1/slos/checkout/requests-latency", "/api/v1/alerts"} {
			t.Run(method+" "+path, func(t *testing.T) {
				res, _ := request(t, srv, method, path)
				if res.StatusCode != http.StatusMethodNotAllowed {
					t.Errorf("status %d, want 405", res.StatusCode)
				}
				if got := res.Header.Get("Allow"); got != "GET, HEAD" {
					t.Errorf("Allow = %q", got)
				}
			})
		}
	}
	res, body := request(t, srv, http.MethodHead, "/")
	if res.StatusCode != http.StatusOK || body != "" {
		t.Errorf("HEAD / = %d with %d bytes, want 200 without a body", res.StatusCode, len(body))
	}
}

func TestWaitingForTheFirstEvaluation(t *testing.T) {
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return nil }})
	for _, c := range []struct {
		path, want string
		status     int
	}{
		{"/", "Waiting for the first evaluation", 200},
		{"/slo/checkout/requests-latency", "Waiting for the first evaluation", 200},
		{"/alerts", "Waiting for the first evaluation", 200},
		{"/api/v1/slos", `{"error":"waiting for the first evaluation"}`, 503},
		{"/api/v1/alerts", `{"error":"waiting for the first evaluation"}`, 503},
	} {
		t.Run(c.path, func(t *testing.T) {
			res, body := get(t, srv, c.path)
			if res.StatusCode != c.status {
				t.Errorf("status %d, want %d", res.StatusCode, c.status)
			}
			if !strings.Contains(body, c.want) {
				t.Errorf("body lacks %q", c.want)
			}
		})
	}
}

func TestExternalURLPathPrefixesRoutesAndLinks(t *testing.T) {
	srv := newFixtureServer(t, web.Options{ExternalURL: "https://example.com/burnwatch/"})
	res, body := get(t, srv, "/burnwatch/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{`href="/burnwatch/slo/checkout/requests-latency"`, `href="/burnwatch/static/style.css?v=`, `href="/burnwatch/alerts"`} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if res, _ := get(t, srv, "/burnwatch/slo/checkout/requests-latency"); res.StatusCode != http.StatusOK {
		t.Errorf("SLO page under the prefix: status %d", res.StatusCode)
	}
	if res, _ := get(t, srv, "/burnwatch/static/style.css"); res.StatusCode != http.StatusOK {
		t.Errorf("stylesheet under the prefix: status %d", res.StatusCode)
	}
}

// countingQuerier counts range queries and answers them with nothing, or
// with err.
type countingQuerier struct {
	n   atomic.Int64
	err error
}

func (q *countingQuerier) Query(context.Context, string, time.Time) (model.Vector, error) {
	q.n.Add(1)
	return nil, q.err
}

func (q *countingQuerier) QueryRange(context.Context, string, burnrate.Range) (model.Matrix, error) {
	q.n.Add(1)
	return nil, q.err
}

func TestHistoryFailureIsAMessageNotAnError(t *testing.T) {
	srv := newFixtureServer(t, web.Options{Querier: &countingQuerier{err: errors.New("dial tcp 10.0.0.7:9090: connection refused")}})
	res, body := get(t, srv, "/slo/checkout/requests-latency")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", res.StatusCode)
	}
	for _, want := range []string{"The history could not be loaded from Prometheus", "dial tcp 10.0.0.7:9090: connection refused", "Pages if the 1h and 5m burn rates"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestHistoryIsCachedPerSLO(t *testing.T) {
	q := &countingQuerier{}
	srv := newFixtureServer(t, web.Options{Querier: q})
	get(t, srv, "/slo/checkout/requests-latency")
	first := q.n.Load()
	if first == 0 {
		t.Fatal("the SLO page asked for no history")
	}
	for range 5 {
		get(t, srv, "/slo/checkout/requests-latency")
	}
	if got := q.n.Load(); got != first {
		t.Errorf("five more views sent %d more queries, want none", got-first)
	}
	get(t, srv, "/slo/checkout/requests-availability")
	if q.n.Load() == first {
		t.Error("another SLO's page reused the first one's history")
	}
}

func TestSLOPathIsWhereTheSLOPageIs(t *testing.T) {
	srv := newFixtureServer(t, web.Options{})
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = web.SLOPath("checkout/requests-latency")
	if got, want := u.String(), srv.URL+"/slo/checkout/requests-latency"; got != want {
		t.Errorf("SLO URL %q, want %q", got, want)
	}
	res, err := srv.Client().Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("status %d", res.StatusCode)
	}
}
