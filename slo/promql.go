package slo

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

var promqlParser = parser.NewParser(parser.Options{})

// ExpandWindow fills the {{.window}} placeholder of an SLI query template
// with a Prometheus duration ("5m", "1h"), as Sloth does.
func ExpandWindow(query, window string) (string, error) {
	tmpl, err := template.New("query").Option("missingkey=error").Parse(query)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, map[string]string{"window": window}); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// checkQueryTemplate reports why an SLI query template is not usable: a
// template error, a missing {{.window}}, or PromQL that does not parse once
// the window is filled in.
func checkQueryTemplate(query string, needWindow bool) error {
	if strings.TrimSpace(query) == "" {
		return fmt.Errorf("is empty")
	}
	expanded, err := ExpandWindow(query, "5m")
	if err != nil {
		return fmt.Errorf("template: %s", templateMessage(err))
	}
	if needWindow && expanded == query {
		return fmt.Errorf("does not use the {{.window}} placeholder")
	}
	expr, err := promqlParser.ParseExpr(expanded)
	if err != nil {
		return fmt.Errorf("PromQL: %s", firstLine(err.Error()))
	}
	if t := expr.Type(); t != parser.ValueTypeVector && t != parser.ValueTypeScalar {
		return fmt.Errorf("PromQL: want an instant vector, got a %s", t)
	}
	return nil
}

// parseSelector parses a series selector such as
// `traces_span_metrics_calls_total{service_name="checkout"}` into the metric
// name and the remaining matchers. The name must be given literally.
func parseSelector(s string) (string, []*labels.Matcher, error) {
	matchers, err := promqlParser.ParseMetricSelector(s)
	if err != nil {
		return "", nil, fmt.Errorf("selector %q: %s", s, firstLine(err.Error()))
	}
	var name string
	var rest []*labels.Matcher
	for _, m := range matchers {
		if m.Name == model.MetricNameLabel {
			if m.Type != labels.MatchEqual {
				return "", nil, fmt.Errorf("selector %q: the metric name must be given literally", s)
			}
			name = m.Value
			continue
		}
		rest = append(rest, m)
	}
	if name == "" {
		return "", nil, fmt.Errorf("selector %q names no metric", s)
	}
	return name, rest, nil
}

// parseMatchers parses a list of label matchers, with or without braces:
// `status_code="STATUS_CODE_ERROR"` or `{code=~"5.."}`.
func parseMatchers(s string) ([]*labels.Matcher, error) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "{") {
		t = "{" + t + "}"
	}
	ms, err := promqlParser.ParseMetricSelector(t)
	if err != nil {
		return nil, fmt.Errorf("matchers %q: %s", s, firstLine(err.Error()))
	}
	for _, m := range ms {
		if m.Name == model.MetricNameLabel {
			return nil, fmt.Errorf("matchers %q: must not match the metric name", s)
		}
	}
	return ms, nil
}

// Selector renders a metric name and matchers as a PromQL series selector.
// A name that is not a classic Prometheus name (a UTF-8 name that keeps the
// dots of its OpenTelemetry name) is quoted inside the braces:
// {"traces.span.metrics.calls", service_name="checkout"}.
func Selector(name string, matchers []*labels.Matcher) string {
	parts := make([]string, 0, len(matchers)+1)
	quoted := !model.LegacyValidation.IsValidMetricName(name)
	if quoted {
		parts = append(parts, strconv.Quote(name))
	}
	for _, m := range matchers {
		parts = append(parts, m.String())
	}
	switch {
	case quoted:
		return "{" + strings.Join(parts, ", ") + "}"
	case len(parts) == 0:
		return name
	}
	return name + "{" + strings.Join(parts, ", ") + "}"
}

// LabelName renders a label name for a grouping clause, quoted when it is
// not a classic Prometheus name (service.name).
func LabelName(name string) string {
	if model.LegacyValidation.IsValidLabelName(name) {
		return name
	}
	return strconv.Quote(name)
}

// BucketMatcher matches the `le` label of a histogram bucket boundary in
// every spelling Prometheus stores: exposition formats write 2000 where
// Prometheus 3 normalises it to 2000.0.
func BucketMatcher(le float64) *labels.Matcher {
	plain := strconv.FormatFloat(le, 'f', -1, 64)
	if strings.ContainsAny(plain, ".") {
		return labels.MustNewMatcher(labels.MatchEqual, "le", plain)
	}
	return labels.MustNewMatcher(labels.MatchRegexp, "le", plain+`|`+plain+`\.0`)
}

var unknownKey = regexp.MustCompile(`(?:map has no entry for key|can't evaluate field) "?(\w+)"?`)

// templateMessage says what is wrong with a template without the machinery
// of text/template's error messages.
func templateMessage(err error) string {
	if m := unknownKey.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Sprintf("unknown placeholder .%s", m[1])
	}
	msg := err.Error()
	if i := strings.Index(msg, ": "); strings.HasPrefix(msg, "template: ") && i >= 0 {
		msg = strings.TrimPrefix(msg, "template: ")
	}
	return msg
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
