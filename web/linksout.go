package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
)

// Every PromQL query on an SLO's page links out to where it can be run and
// taken apart: Prometheus' graph page and, when configured, Grafana
// Explore, on the page's time range.

// queryLink is a PromQL query and the links that run it elsewhere.
type queryLink struct {
	Expr                string
	Prometheus, Explore string
}

// linksOut builds the links of queries; the zero value links nowhere.
type linksOut struct {
	prometheus, grafana *url.URL
	datasource          string
}

func newLinksOut(opts Options) (linksOut, error) {
	var l linksOut
	for _, u := range []struct {
		name, raw string
		to        **url.URL
	}{{"Prometheus URL", opts.PrometheusURL, &l.prometheus}, {"Grafana URL", opts.GrafanaURL, &l.grafana}} {
		if u.raw == "" {
			continue
		}
		parsed, err := url.Parse(u.raw)
		if err != nil || parsed.Host == "" || (parsed.Scheme != "http" && parsed.Scheme != "https") {
			return linksOut{}, fmt.Errorf("%s %q is not an absolute http(s) URL", u.name, u.raw)
		}
		*u.to = parsed
	}
	if l.grafana != nil && opts.GrafanaDatasource == "" {
		return linksOut{}, fmt.Errorf("the Grafana URL %q needs the uid of its Prometheus datasource", opts.GrafanaURL)
	}
	l.datasource = opts.GrafanaDatasource
	return l, nil
}

// link returns a query with its links over [from, to].
func (l linksOut) link(expr string, from, to time.Time) queryLink {
	q := queryLink{Expr: expr}
	if l.prometheus != nil {
		v := url.Values{
			"g0.expr": {expr}, "g0.tab": {"0"},
			"g0.range_input": {burnrate.FormatWindow(to.Sub(from).Round(time.Minute))},
			"g0.end_input":   {to.UTC().Format("2006-01-02 15:04:05")},
		}
		q.Prometheus = join(l.prometheus, "/graph") + "?" + v.Encode()
	}
	if l.grafana != nil {
		type ds struct {
			Type string `json:"type"`
			UID  string `json:"uid"`
		}
		type query struct {
			RefID      string `json:"refId"`
			Expr       string `json:"expr"`
			Datasource ds     `json:"datasource"`
		}
		state := struct {
			Datasource string            `json:"datasource"`
			Queries    []query           `json:"queries"`
			Range      map[string]string `json:"range"`
		}{
			Datasource: l.datasource,
			Queries:    []query{{RefID: "A", Expr: expr, Datasource: ds{Type: "prometheus", UID: l.datasource}}},
			Range:      map[string]string{"from": fmt.Sprint(from.UnixMilli()), "to": fmt.Sprint(to.UnixMilli())},
		}
		b, err := json.Marshal(state)
		if err == nil {
			q.Explore = join(l.grafana, "/explore") + "?" + url.Values{"schemaVersion": {"1"}, "orgId": {"1"}, "left": {string(b)}}.Encode()
		}
	}
	return q
}

// links returns every query with its links.
func (l linksOut) links(exprs []string, from, to time.Time) []queryLink {
	out := make([]queryLink, len(exprs))
	for i, e := range exprs {
		out[i] = l.link(e, from, to)
	}
	return out
}

func join(base *url.URL, p string) string {
	u := *base
	u.Path = strings.TrimSuffix(u.Path, "/") + p
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}
