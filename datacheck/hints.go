package datacheck

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// maxValues is how many label values a hint lists.
const maxValues = 10

// noSeries explains why a metric and matchers select no series: the metric
// is stored under another name, a matcher names a label the metric does
// not have, or no series has the value asked for.
func (c *checker) noSeries(metric string, matchers []*labels.Matcher) error {
	sel := slo.Selector(metric, matchers)
	span := burnrate.FormatWindow(c.lookback)
	names, err := c.src.LabelNames(c.ctx, []string{slo.Selector(metric, nil)}, c.start, c.end)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return c.renamed(sel, metric)
	}
	var missing []string
	for _, m := range matchers {
		if !slices.Contains(names, m.Name) && !m.Matches("") {
			missing = append(missing, m.Name+synonym(m.Name, names))
		}
	}
	if len(missing) > 0 {
		c.errorf("%s matches no series: %s has no label %s; its labels are %s", sel, metric, strings.Join(missing, ", "), labelList(names))
		return nil
	}
	for _, m := range matchers {
		if m.Type != labels.MatchEqual {
			continue
		}
		values, err := c.src.LabelValues(c.ctx, m.Name, []string{slo.Selector(metric, nil)}, c.start, c.end)
		if err != nil {
			return err
		}
		if !slices.Contains(values, m.Value) {
			c.errorf("%s matches no series: no series of %s has %s=%q in the last %s; it has %s", sel, metric, m.Name, m.Value, span, valueList(values))
			return nil
		}
	}
	c.errorf("%s matches no series in the last %s, although %s has series with each of its labels", sel, span, metric)
	return nil
}

// renamed looks for the metric under the names other producers and
// translation strategies give it, and says which one Prometheus has.
func (c *checker) renamed(sel, metric string) error {
	span := burnrate.FormatWindow(c.lookback)
	alts := alternativeNames(metric)
	if c.s.SLI.Native {
		alts = append(alts, metric+"_bucket") // a classic histogram after all
	}
	quoted := make([]string, len(alts))
	for i, a := range alts {
		quoted[i] = regexp.QuoteMeta(a)
	}
	found, err := c.src.LabelValues(c.ctx, model.MetricNameLabel,
		[]string{fmt.Sprintf(`{__name__=~%q}`, strings.Join(quoted, "|"))}, c.start, c.end)
	if err != nil {
		return err
	}
	if len(found) == 0 {
		c.errorf("%s has no series in the last %s (a renamed metric, a wrong tenant, or a scrape job that stopped?)", sel, span)
		return nil
	}
	c.errorf("%s has no series in the last %s, but Prometheus has %s%s", sel, span, strings.Join(found, ", "), renameHint(metric, found[0]))
	return nil
}

// alternativeNames are the names a span metric gets from other producers
// and translation strategies: without the _total or unit suffix, with the
// dots of its OpenTelemetry name kept (UTF-8 names), and a histogram with
// no _bucket series (a native histogram).
func alternativeNames(metric string) []string {
	stem, typ := metric, ""
	for _, suffix := range []string{"_bucket", "_total"} {
		if s, ok := strings.CutSuffix(stem, suffix); ok {
			stem, typ = s, suffix
			break
		}
	}
	unit := ""
	for _, suffix := range []string{"_milliseconds", "_seconds"} {
		if s, ok := strings.CutSuffix(stem, suffix); ok {
			stem, unit = s, suffix
			break
		}
	}
	var out []string
	for _, base := range []string{stem, strings.ReplaceAll(stem, "_", ".")} {
		for _, u := range uniq(unit, "") {
			for _, t := range uniq(typ, "") {
				if name := base + u + t; name != metric && !slices.Contains(out, name) {
					out = append(out, name)
				}
			}
		}
	}
	return out
}

func uniq(a, b string) []string {
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

// renameHint says what to write in the spec for the name found.
func renameHint(metric, found string) string {
	switch {
	case found == metric+"_bucket":
		return fmt.Sprintf(": %s is a classic histogram; leave native out and write the metric %s", metric, found)
	case strings.HasSuffix(metric, "_bucket") && !strings.HasSuffix(found, "_bucket"):
		return fmt.Sprintf(": %s is a native (exponential) histogram; set native: true with metric %s", found, found)
	case strings.Contains(found, "."):
		return fmt.Sprintf(`: UTF-8 names are kept with dots; write the metric as {"%s", ...}`, found)
	}
	return fmt.Sprintf(": the exporter names it without the suffixes; set metric to %s", found)
}

// synonym points at the label a producer uses for what the spec asked,
// such as service_name (Collector) for service (Tempo).
func synonym(name string, names []string) string {
	for _, pair := range [][2]string{{"service", "service_name"}, {"service_name", "service"}, {"status_code", "otel_status_code"}} {
		if name == pair[0] && slices.Contains(names, pair[1]) {
			return fmt.Sprintf(" (it has %s)", pair[1])
		}
	}
	return ""
}

func valueList(values []string) string {
	if len(values) == 0 {
		return "none"
	}
	if len(values) > maxValues {
		return strings.Join(values[:maxValues], ", ") + fmt.Sprintf(" and %d more", len(values)-maxValues)
	}
	return strings.Join(values, ", ")
}
