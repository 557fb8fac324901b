package promtest

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Point is one sample of a counter or gauge.
type Point struct {
	T time.Time
	V float64
}

// HistogramPoint is one sample of a classic histogram.
type HistogramPoint struct {
	T time.Time
	// Buckets are the cumulative counts of observations at or below each
	// bound given to WriteHistogram, in the same order.
	Buckets []float64
	// Count is the number of observations, which is also the +Inf bucket.
	Count float64
	// Sum is the sum of the observed values.
	Sum float64
}

// OpenMetricsWriter renders series as OpenMetrics text with timestamps, the
// input of `promtool tsdb create-blocks-from openmetrics`. Series of one
// metric family are grouped under one # TYPE line whatever order they are
// written in; the points of each series are sorted by time. The first
// invalid input is kept and returned by Text; later writes are ignored.
type OpenMetricsWriter struct {
	families []*family
	byName   map[string]*family
	err      error
}

// family is one metric family and its rendered sample lines.
type family struct {
	name, typ string
	lines     strings.Builder
}

// metricName is the legacy name syntax that Prometheus 2.42 requires of
// metric and label names.
var metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)

// WriteCounter adds a counter series. The name may be given with or without
// its _total suffix; samples are written as name_total.
func (w *OpenMetricsWriter) WriteCounter(name string, labels map[string]string, points []Point) {
	fam := w.family(strings.TrimSuffix(name, "_total"), "counter", labels)
	if fam == nil {
		return
	}
	for _, p := range sortedPoints(points) {
		w.sample(fam, fam.name+"_total", labels, nil, p.V, p.T)
	}
}

// WriteGauge adds a gauge series.
func (w *OpenMetricsWriter) WriteGauge(name string, labels map[string]string, points []Point) {
	fam := w.family(name, "gauge", labels)
	if fam == nil {
		return
	}
	for _, p := range sortedPoints(points) {
		w.sample(fam, name, labels, nil, p.V, p.T)
	}
}

// WriteHistogram adds a classic histogram: a name_bucket series per bound
// and +Inf, name_count and name_sum. Bounds must increase and exclude +Inf;
// they are written as le labels in Go's shortest form (0.5, 1, 2.5).
func (w *OpenMetricsWriter) WriteHistogram(name string, labels map[string]string, bounds []float64, points []HistogramPoint) {
	if w.err != nil {
		return
	}
	if _, ok := labels["le"]; ok {
		w.err = fmt.Errorf("histogram %s: the le label is set by the writer", name)
		return
	}
	for i, b := range bounds {
		if math.IsNaN(b) || math.IsInf(b, 0) || i > 0 && b <= bounds[i-1] {
			w.err = fmt.Errorf("histogram %s: bounds %v must be finite and increasing", name, bounds)
			return
		}
	}
	fam := w.family(name, "histogram", labels)
	if fam == nil {
		return
	}
	sorted := slices.SortedStableFunc(slices.Values(points), func(a, b HistogramPoint) int { return a.T.Compare(b.T) })
	for _, p := range sorted {
		if len(p.Buckets) != len(bounds) {
			w.err = fmt.Errorf("histogram %s at %s: %d bucket counts for %d bounds", name, p.T.UTC().Format(time.RFC3339), len(p.Buckets), len(bounds))
			return
		}
		for i, b := range bounds {
			w.sample(fam, name+"_bucket", labels, []string{"le", formatFloat(b)}, p.Buckets[i], p.T)
		}
		w.sample(fam, name+"_bucket", labels, []string{"le", "+Inf"}, p.Count, p.T)
		w.sample(fam, name+"_count", labels, nil, p.Count, p.T)
		w.sample(fam, name+"_sum", labels, nil, p.Sum, p.T)
	}
}

// Text returns the OpenMetrics text, ending with # EOF, or the first error
// met while writing.
func (w *OpenMetricsWriter) Text() (string, error) {
	if w.err != nil {
		return "", w.err
	}
	var b strings.Builder
	for _, f := range w.families {
		fmt.Fprintf(&b, "# TYPE %s %s\n", f.name, f.typ)
		b.WriteString(f.lines.String())
	}
	b.WriteString("# EOF\n")
	return b.String(), nil
}

// family returns the family called name, creating it, after checking the
// names. It returns nil once the writer holds an error.
func (w *OpenMetricsWriter) family(name, typ string, labels map[string]string) *family {
	if w.err != nil {
		return nil
	}
	if !metricName.MatchString(name) {
		w.err = fmt.Errorf("metric name %q is not valid", name)
		return nil
	}
	for l := range labels {
		if !metricName.MatchString(l) || strings.Contains(l, ":") || l == "__name__" {
			w.err = fmt.Errorf("metric %s: label name %q is not valid", name, l)
			return nil
		}
	}
	if f, ok := w.byName[name]; ok {
		if f.typ != typ {
			w.err = fmt.Errorf("metric %s is written as a %s and as a %s", name, f.typ, typ)
			return nil
		}
		return f
	}
	if w.byName == nil {
		w.byName = map[string]*family{}
	}
	f := &family{name: name, typ: typ}
	w.families = append(w.families, f)
	w.byName[name] = f
	return f
}

// sample appends one line: name{labels} value timestamp, with the labels
// sorted by name and extra (a name and a value) added to them.
func (w *OpenMetricsWriter) sample(f *family, name string, labels map[string]string, extra []string, v float64, t time.Time) {
	all := maps.Clone(labels)
	if all == nil {
		all = map[string]string{}
	}
	if extra != nil {
		all[extra[0]] = extra[1]
	}
	b := &f.lines
	b.WriteString(name)
	if len(all) > 0 {
		b.WriteByte('{')
		for i, k := range slices.Sorted(maps.Keys(all)) {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, "%s=\"%s\"", k, escapeLabelValue(all[k]))
		}
		b.WriteByte('}')
	}
	fmt.Fprintf(b, " %s %s\n", formatFloat(v), formatTimestamp(t))
}

// sortedPoints returns points sorted by time, leaving the input alone.
func sortedPoints(points []Point) []Point {
	return slices.SortedStableFunc(slices.Values(points), func(a, b Point) int { return a.T.Compare(b.T) })
}

// formatFloat writes a value or bound: shortest form, +Inf, -Inf, NaN.
func formatFloat(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// formatTimestamp writes t in seconds with millisecond precision, the unit
// OpenMetrics uses and the precision Prometheus stores.
func formatTimestamp(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64)
}

// escapeLabelValue escapes backslash, double quote and newline.
var escapeLabelValue = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace
