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
	if len(sli.ErrorMatcher) == 1 {
		c.errorLabels(sel, names, sli.ErrorMatcher[0])
	} else {
		c.statusLabels(sel, names)
	}
	// Trace links of an errors SLI also come from the dialect's latency
	// histogram, whose failed spans carry exemplars too.
	var histogram []string
	if info, ok := sli.Dialect.Info(); ok {
		histogram = append(histogram, slo.Selector(info.Histogram+"_bucket", sli.Matchers))
	}
	return c.exemplars(sel, histogram...)
}

// errorLabels checks a spec's own error matcher: a label it needs that the
// series lack leaves no call bad, and labels it matches empty that are all
// absent make every call bad.
func (c *checker) errorLabels(sel string, names []string, ms []*labels.Matcher) {
	var absent []string
	for _, m := range ms {
		if slices.Contains(names, m.Name) {
			continue
		}
		absent = append(absent, m.Name)
		if !m.Matches("") {
			c.errorf("label %s of the error matcher is not on %s, so no call counts as bad; its labels are %s%s",
				m.Name, sel, labelList(names), conventionHint(m.Name, names))
		}
	}
	if len(absent) == len(ms) && len(absent) > 0 && everyMatchesEmpty(ms) {
		c.errorf("none of the error matcher's labels (%s) is on %s, so every call would count as bad; its labels are %s: set error_matcher",
			strings.Join(absent, ", "), sel, labelList(names))
	}
}

// statusLabels checks the default error matcher, whose alternatives are the
// status-code conventions: the series must have the labels of one of them.
// A spanmetrics counter can have neither while every span's status is
// unset (the Collector's otel_status_code convention labels only ok and
// failed spans), which is a warning; any other counter needs its own
// error_matcher.
func (c *checker) statusLabels(sel string, names []string) {
	em := c.s.SLI.ErrorMatcher
	for _, alt := range em {
		if hasLabelsOf(alt, names) {
			return
		}
	}
	required := strings.Join(em.RequiredLabels(), ", ")
	if info, ok := c.s.SLI.Dialect.Info(); ok && info.UnsetStatusUnlabelled {
		c.warnf("none of the error matcher's labels (%s) is on %s in the last %s, so no call counts as bad: right while every span's status is unset under the Collector's otel_status_code convention, which labels only ok and failed spans; its labels are %s, and if it has no status label at all, set error_matcher",
			required, sel, burnrate.FormatWindow(c.lookback), labelList(names))
		return
	}
	c.errorf("none of the error matcher's labels (%s) is on %s, so no call counts as bad; its labels are %s: set error_matcher",
		required, sel, labelList(names))
}

// hasLabelsOf says whether series with these label names can match the
// matchers: every label a matcher needs (one "" does not satisfy) is there.
func hasLabelsOf(ms []*labels.Matcher, names []string) bool {
	for _, m := range ms {
		if !m.Matches("") && !slices.Contains(names, m.Name) {
			return false
		}
	}
	return true
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

// exemplars warns when none of the series where alerts look for trace
// links carries exemplars (sel first, then the others): alerts then come
// without trace links.
func (c *checker) exemplars(sel string, others ...string) error {
	n, err := 0, error(nil)
	for _, s := range append([]string{sel}, others...) {
		var found int
		found, err = c.src.ExemplarCount(c.ctx, s, c.start, c.end)
		if n += found; err != nil || n > 0 {
			break
		}
	}
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
