package slo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"text/template"
	"time"
)

// Traces says how to find an SLO's exemplar traces and link to them.
type Traces struct {
	// TraceIDLabels are the exemplar labels that may carry the trace id, in
	// order of preference.
	TraceIDLabels []string
	// Link renders a trace link; nil when the spec configures none.
	Link *LinkTemplate
}

// TraceRef is what a trace link template can refer to.
type TraceRef struct {
	// TraceID is the exemplar's trace id.
	TraceID string
	// Service is the SLO's service.
	Service string
	// At is the exemplar's timestamp.
	At time.Time
}

// LinkTemplate renders trace links from a Go text/template. The template sees
// .TraceID, .Service, .At, .URL (the spec's base URL) and .Datasource, and
// the functions urlquery and unixmilli.
type LinkTemplate struct {
	source     string
	baseURL    string
	datasource string
	tmpl       *template.Template
}

// TracePresets are the trace backends with a built-in link template. Each
// needs the spec's url; tempo also takes a Grafana datasource uid.
var TracePresets = map[string]string{
	"jaeger":    `{{.URL}}/trace/{{.TraceID}}`,
	"zipkin":    `{{.URL}}/zipkin/traces/{{.TraceID}}`,
	"honeycomb": `{{.URL}}/trace?trace_id={{urlquery .TraceID}}`,
	"tempo":     `{{.URL}}/explore?schemaVersion=1&orgId=1&left={{grafanaExplore .Datasource .TraceID .At}}`,
}

var linkFuncs = template.FuncMap{
	"urlquery":       url.QueryEscape,
	"unixmilli":      func(t time.Time) int64 { return t.UnixMilli() },
	"grafanaExplore": grafanaExplore,
}

// grafanaExplore renders Grafana Explore's "left" pane state for a TraceQL
// trace-id lookup, an hour either side of the exemplar, URL-encoded.
func grafanaExplore(datasource, traceID string, at time.Time) (string, error) {
	type query struct {
		RefID     string `json:"refId"`
		QueryType string `json:"queryType"`
		Query     string `json:"query"`
	}
	state := struct {
		Datasource string            `json:"datasource"`
		Queries    []query           `json:"queries"`
		Range      map[string]string `json:"range"`
	}{
		Datasource: datasource,
		Queries:    []query{{RefID: "A", QueryType: "traceql", Query: traceID}},
		Range: map[string]string{
			"from": fmt.Sprint(at.Add(-time.Hour).UnixMilli()),
			"to":   fmt.Sprint(at.Add(time.Hour).UnixMilli()),
		},
	}
	b, err := json.Marshal(state)
	if err != nil {
		return "", err
	}
	return url.QueryEscape(string(b)), nil
}

// NewLinkTemplate parses a link template: a preset name (jaeger, tempo,
// zipkin, honeycomb) or a template of its own, with the base URL and Grafana
// datasource the presets refer to.
func NewLinkTemplate(link, baseURL, datasource string) (*LinkTemplate, error) {
	source := link
	if preset, ok := TracePresets[link]; ok {
		if baseURL == "" {
			return nil, fmt.Errorf("trace link preset %q needs a url", link)
		}
		source = preset
	}
	if baseURL != "" {
		u, err := url.Parse(baseURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("url %q is not an absolute URL", baseURL)
		}
	}
	tmpl, err := template.New("link").Funcs(linkFuncs).Option("missingkey=error").Parse(source)
	if err != nil {
		return nil, fmt.Errorf("trace link template: %s", templateMessage(err))
	}
	lt := &LinkTemplate{source: source, baseURL: strings.TrimRight(baseURL, "/"), datasource: datasource, tmpl: tmpl}
	// Render once with a sample, so that a template that refers to a field
	// that does not exist fails at load time, not when a page goes out.
	if _, err := lt.Render(TraceRef{TraceID: "0af7651916cd43dd8448eb211c80319c", Service: "svc", At: time.Unix(0, 0)}); err != nil {
		return nil, err
	}
	return lt, nil
}

// String returns the template source.
func (lt *LinkTemplate) String() string { return lt.source }

// Render returns the link to one trace.
func (lt *LinkTemplate) Render(ref TraceRef) (string, error) {
	data := struct {
		TraceRef
		URL, Datasource string
	}{ref, lt.baseURL, lt.datasource}
	var buf bytes.Buffer
	if err := lt.tmpl.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("trace link template: %s (known: .TraceID, .Service, .At, .URL, .Datasource)", templateMessage(err))
	}
	return buf.String(), nil
}
