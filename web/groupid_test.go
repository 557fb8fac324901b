package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

// groupedSnapshot is the fixture's checkout/requests-latency grouped by
// span_name, one member per value given, each a healthy status.
func groupedSnapshot(t testing.TB, values ...string) (*web.Snapshot, []string) {
	t.Helper()
	base := *loadFixtureSLOs(t)["checkout/requests-latency"]
	base.GroupBy = []string{"span_name"}
	snap := &web.Snapshot{At: fixtureAt}
	var ids []string
	for _, v := range values {
		m, err := slo.ExpandGroup(&base, []string{v})
		if err != nil {
			t.Fatal(err)
		}
		snap.Statuses = append(snap.Statuses, fakeStatus(m, 0.8, constant(0.5)))
		ids = append(ids, m.ID)
	}
	return snap, ids
}

var sloHref = regexp.MustCompile(`href="([^"]*/slo/[^"?#]*)"`)

func TestEveryGroupedSLOIdRoundTripsThroughItsLinks(t *testing.T) {
	values := []string{"GET /", "GET /api/v1/orders", "place order", "100% done", "a%2Fb", "/", "q?x=1#top"}
	snap, ids := groupedSnapshot(t, values...)
	title := regexp.MustCompile(`<h1 class="slo-title">[\s\S]*?</span> ([^<]*)</h1>`)
	apiHref := regexp.MustCompile(`href="([^"]*/api/v1/slos/[^"]*)"`)
	for _, prefix := range []string{"", "/burnwatch"} {
		opts := web.Options{Snapshot: func() *web.Snapshot { return snap }}
		if prefix != "" {
			opts.ExternalURL = "http://127.0.0.1" + prefix + "/"
		}
		srv := newFixtureServer(t, opts)
		_, body := get(t, srv, prefix+"/")
		reached := map[string]bool{}
		for _, m := range sloHref.FindAllStringSubmatch(body, -1) {
			link := html.UnescapeString(m[1])
			res, page := get(t, srv, link)
			h := title.FindStringSubmatch(page)
			if res.StatusCode != http.StatusOK || h == nil {
				t.Errorf("prefix %q: link %s answered %d without an SLO title", prefix, link, res.StatusCode)
				continue
			}
			id := html.UnescapeString(h[1])
			reached[id] = true
			api := apiHref.FindStringSubmatch(page)
			if api == nil {
				t.Errorf("prefix %q: the page of %q has no API link", prefix, id)
				continue
			}
			res, raw := get(t, srv, html.UnescapeString(api[1]))
			var got struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal([]byte(raw), &got); err != nil || res.StatusCode != http.StatusOK || got.ID != id {
				t.Errorf("prefix %q: API link %s of %q answered %d: %s", prefix, api[1], id, res.StatusCode, raw)
			}
		}
		for _, id := range ids {
			if !reached[id] {
				t.Errorf("prefix %q: no overview link opens the page of %q", prefix, id)
			}
		}
	}
}

func TestSLOPathOfAGroupedSLOIsWhereItsPageIs(t *testing.T) {
	snap, ids := groupedSnapshot(t, "GET /", "/", "100% done", "a%2Fb")
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }})
	base, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		ref, err := url.Parse(web.SLOPath(id))
		if err != nil {
			t.Fatalf("SLOPath(%q) = %q: %v", id, web.SLOPath(id), err)
		}
		res, page := get(t, srv, base.ResolveReference(ref).RequestURI())
		if res.StatusCode != http.StatusOK || !strings.Contains(page, html.EscapeString(id)+"</h1>") {
			t.Errorf("SLOPath(%q) = %q answered %d, not the SLO's page", id, web.SLOPath(id), res.StatusCode)
		}
	}
}
