package datacheck

import (
	"slices"
	"strconv"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// latency checks a latency SLI: its selector matches bucket series, its
// threshold is one of their boundaries, and they carry exemplars.
func (c *checker) latency() error {
	sli := c.s.SLI
	sel := slo.Selector(sli.Metric, sli.Matchers)
	if sli.Native {
		// histogram_fraction reads any threshold: only the series matter.
		names, err := c.src.LabelNames(c.ctx, []string{sel}, c.start, c.end)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			return c.noSeries(sli.Metric, sli.Matchers)
		}
		return c.exemplars(sel)
	}
	les, err := c.src.LabelValues(c.ctx, model.BucketLabel, []string{sel}, c.start, c.end)
	if err != nil {
		return err
	}
	if len(les) == 0 {
		return c.noSeries(sli.Metric, sli.Matchers)
	}
	bounds := burnrate.ParseBoundaries(les)
	if !slices.Contains(bounds, sli.Bucket) {
		hint := ""
		if !unitInName(sli) {
			hint = unitHint(sli.Bucket, bounds)
		}
		c.errorf("%s%s", burnrate.MissingBucket{Selector: sel, LE: sli.Bucket, Boundaries: bounds}.Error(), hint)
	}
	return c.exemplars(sel)
}

// unitInName says whether the histogram's name fixes its unit (a unit
// suffix, or a producer's name such as Tempo's), so that the spec's unit
// cannot be wrong.
func unitInName(sli slo.SLI) bool {
	base := strings.ReplaceAll(sli.HistogramBase(), ".", "_")
	if strings.HasSuffix(base, "_milliseconds") || strings.HasSuffix(base, "_seconds") {
		return true
	}
	info, ok := sli.Dialect.Info()
	return ok && info.Histogram == base
}

// unitHint points at a unit mix-up: the threshold would be a boundary in
// the other unit (a histogram whose name lost its unit suffix).
func unitHint(le float64, bounds []float64) string {
	switch {
	case slices.Contains(bounds, roundLE(le/1000)):
		return " (the buckets look like seconds: set unit: s)"
	case slices.Contains(bounds, roundLE(le*1000)):
		return " (the buckets look like milliseconds: set unit: ms)"
	}
	return ""
}

// roundLE drops the binary noise of scaling a boundary by 1000.
func roundLE(f float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 12, 64), 64)
	if err != nil {
		return f
	}
	return r
}

// errors checks an errors SLI: its selector matches series, and those
// series have the labels its error matcher reads.
func (c *checker) errors() error {
	sli := c.s.SLI
	sel := slo.Selector(sli.Metric, sli.Matchers)
	names, err := c.src.LabelNames(c.ctx, []string{sel}, c.start, c.end)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return c.noSeries(sli.Metric, sli.Matchers)
	}
	var absent []string
	for _, m := range sli.ErrorMatchers {
		if slices.Contains(names, m.Name) {
			continue
		}
		absent = append(absent, m.Name)
		if !m.Matches("") {
			c.errorf("label %s of the error matcher is not on %s, so no call counts as bad; its labels are %s%s",
				m.Name, sel, labelList(names), conventionHint(m.Name, names))
		}
	}
	if len(absent) == len(sli.ErrorMatchers) && len(absent) > 0 && everyMatchesEmpty(sli.ErrorMatchers) {
		c.errorf("none of the error matcher's labels (%s) is on %s, so every call would count as bad; its labels are %s: set error_matcher",
			strings.Join(absent, ", "), sel, labelList(names))
	}
	return c.exemplars(sel)
}

// conventionHint points at the Collector's other status-code convention
// when the metric uses it.
func conventionHint(missing string, names []string) string {
	switch {
	case missing == "status_code" && slices.Contains(names, "otel_status_code"):
		return ` (the Collector's otel_status_code convention: write error_matcher: otel_status_code="ERROR", or leave error_matcher out)`
	case missing == "otel_status_code" && slices.Contains(names, "status_code"):
		return ` (write error_matcher: status_code="STATUS_CODE_ERROR", or leave error_matcher out)`
	}
	return ""
}

func everyMatchesEmpty(ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches("") {
			return false
		}
	}
	return true
}

// exemplars warns when the series carry no exemplars: alerts then come
// without trace links.
func (c *checker) exemplars(sel string) error {
	n, err := c.src.ExemplarCount(c.ctx, sel, c.start, c.end)
	switch {
	case err != nil:
		c.warnf("cannot look up exemplars on %s, so trace links may be missing: %v", sel, err)
	case n == 0:
		c.warnf("no exemplars on %s in the last %s, so alerts will have no trace links: turn them on in the Collector's spanmetrics connector (exemplars: enabled: true) and in Prometheus (--enable-feature=exemplar-storage)",
			sel, burnrate.FormatWindow(c.lookback))
	}
	return nil
}

// labelList renders label names without __name__.
func labelList(names []string) string {
	var out []string
	for _, n := range names {
		if n != model.MetricNameLabel {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}
