package web_test

import (
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/web"
)

func TestEveryQueryLinksToPrometheusAndGrafanaOnThePagesRange(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	engine, snap := distributionEngine(t, at)
	srv := newFixtureServer(t, web.Options{
		Snapshot: func() *web.Snapshot { return snap }, Querier: engine,
		PrometheusURL: "http://prometheus.invalid:9090/", GrafanaURL: "https://grafana.invalid/g", GrafanaDatasource: "prom-uid",
	})
	_, body := get(t, srv, "/slo/checkout/requests-latency?range=6h")
	queries := regexp.MustCompile(`<code>([^<]+)</code><span class="querylinks"><a href="([^"]+)"[^>]*>run in Prometheus</a> <a href="([^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(queries) < 4 {
		t.Fatalf("%d queries with links, want every query behind the charts", len(queries))
	}
	spec := strings.Count(body, `</code></pre><span class="querylinks">`)
	if spec != 2 {
		t.Errorf("%d of the spec's queries have links, want its bad and valid events queries", spec)
	}
	if n := strings.Count(body, "run in Prometheus"); n != len(queries)+spec {
		t.Errorf("%d Prometheus links, want one per chart query (%d) and per spec query (%d)", n, len(queries), spec)
	}
	for _, q := range queries {
		expr := html.UnescapeString(q[1])
		prom, err := url.Parse(html.UnescapeString(q[2]))
		if err != nil {
			t.Fatal(err)
		}
		v := prom.Query()
		if prom.Host != "prometheus.invalid:9090" || prom.Path != "/graph" || v.Get("g0.expr") != expr ||
			v.Get("g0.range_input") != "6h" || v.Get("g0.end_input") != "2026-03-02 12:00:00" {
			t.Errorf("Prometheus link %s does not run %s over the 6h to 12:00", prom, expr)
		}
		explore, err := url.Parse(html.UnescapeString(q[3]))
		if err != nil {
			t.Fatal(err)
		}
		var left struct {
			Queries []struct{ Expr string }
			Range   struct{ From, To string }
		}
		if err := json.Unmarshal([]byte(explore.Query().Get("left")), &left); err != nil {
			t.Fatalf("Explore link %s: %v", explore, err)
		}
		if explore.Path != "/g/explore" || len(left.Queries) != 1 || left.Queries[0].Expr != expr ||
			left.Range.From != "1772431200000" || left.Range.To != "1772452800000" {
			t.Errorf("Explore link %s does not run %s from 06:00 to 12:00", explore, expr)
		}
	}
}

func TestLinksOutNeedAbsoluteURLsAndADatasource(t *testing.T) {
	snap := fixtureSnapshot(t)
	for _, c := range []struct {
		name string
		opts web.Options
	}{
		{"a relative Prometheus URL", web.Options{PrometheusURL: "prometheus:9090"}},
		{"a Grafana URL that is not http", web.Options{GrafanaURL: "ftp://grafana.invalid", GrafanaDatasource: "x"}},
		{"a Grafana URL without a datasource", web.Options{GrafanaURL: "https://grafana.invalid"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Snapshot = func() *web.Snapshot { return snap }
			if _, err := web.New(c.opts); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}
