package burnrate

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"

	"github.com/burnwatch/burnwatch/slo"
)

// A plan says which queries answer a set of SLOs. Query economy is its
// point: SLOs on the same span-metrics counter or histogram that differ only
// in equality matchers (service_name="checkout" versus "cart") share one
// source, queried once per window as `sum by (service_name) (...)`, and each
// SLO picks its own series from the answer. The number of queries grows
// with the number of distinct selectors, not with SLOs × windows.

// source is one query family: a counter summed by the labels that tell its
// readers apart (mergeable, and tileable because increases add up), or an
// SLO's own PromQL (raw SLIs, and events SLIs whose queries are not
// summed counters: see eventcounter.go), which is neither.
type source struct {
	// id identifies the source across cycles; tiles are kept under it.
	id string
	// selector and by describe a counter source.
	selector string
	by       []string
	// metric and matchers are a counter source's selector, before the
	// matchers that narrow it to its readers' label values.
	metric   string
	matchers []*labels.Matcher
	// expr is a template with {{.window}} for an expression source.
	expr string
	// series selects the series whose samples the source reads, for
	// finding where their history begins: the counter's selector, a native
	// histogram's; "" for an SLO's own PromQL.
	series string
	// windows are the window lengths readers need, sorted.
	windows []time.Duration
}

// counter reports whether the source is a merged counter, whose increases
// over adjacent intervals add up (and so can be tiled).
func (src *source) counter() bool { return src.expr == "" }

// query returns the PromQL for the source over a window.
func (src *source) query(window time.Duration) (string, error) {
	w := FormatWindow(window)
	if src.expr != "" {
		return slo.ExpandWindow(src.expr, w)
	}
	if len(src.by) == 0 {
		return fmt.Sprintf("sum(increase(%s[%s]))", src.selector, w), nil
	}
	return fmt.Sprintf("sum by (%s) (increase(%s[%s]))", src.grouping(), src.selector, w), nil
}

// grouping renders the source's `by` labels, quoting UTF-8 names.
func (src *source) grouping() string {
	names := make([]string, len(src.by))
	for i, n := range src.by {
		names[i] = slo.LabelName(n)
	}
	return strings.Join(names, ", ")
}

// key returns the key of a sample: the values of the source's grouping
// labels, with `le` normalised so that "2" and "2.0" meet.
func (src *source) key(m model.Metric) string {
	if len(src.by) == 0 {
		return ""
	}
	vals := make([]string, len(src.by))
	for i, name := range src.by {
		v := string(m[model.LabelName(name)])
		if name == "le" {
			v = normalizeLE(v)
		}
		vals[i] = v
	}
	return strings.Join(vals, "\xff")
}

func normalizeLE(v string) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// ref is where an SLO reads one number: a source and a key in its answers.
type ref struct {
	src *source
	key string
	// perSecond divides the source's increase by the window's seconds:
	// an events query written with rate().
	perSecond bool
}

// sloPlan is how one SLO's numbers come together from sources.
type sloPlan struct {
	slo     *slo.SLO
	windows []time.Duration
	// valid and good (latency), valid and bad (errors, events), or ratio
	// (raw) are set; the others are nil.
	valid, good, ratio *ref
	// bad are the refs whose sum is the bad events: an events SLI's error
	// query, or one merged counter per alternative of an errors SLI's error
	// matcher (no series matches two, so none is counted twice).
	bad []*ref
}

// refs returns every ref the SLO reads.
func (sp *sloPlan) refs() []*ref {
	var out []*ref
	for _, r := range []*ref{sp.valid, sp.good, sp.ratio} {
		if r != nil {
			out = append(out, r)
		}
	}
	return append(out, sp.bad...)
}

// plan is the queries of one evaluation.
type plan struct {
	sources []*source
	slos    []*sloPlan
}

// bucketFamily gathers latency SLOs on one histogram with the same equality
// label names and other matchers: they share a count and a bucket source.
type bucketFamily struct {
	count   *source
	buckets *source
	les     map[float64]bool
	plans   []*sloPlan
}

// makePlan plans the queries for a set of SLOs evaluated at `at`.
func makePlan(slos []*slo.SLO, at time.Time) *plan {
	p := &plan{}
	sources := map[string]*source{}
	get := func(src *source) *source {
		if have, ok := sources[src.id]; ok {
			return have
		}
		sources[src.id] = src
		p.sources = append(p.sources, src)
		return src
	}
	families := map[string]*bucketFamily{}
	var familyOrder []string
	for _, s := range slos {
		sp := &sloPlan{slo: s, windows: append(windowsOf(s), periodWindow(s, at))}
		p.slos = append(p.slos, sp)
		switch s.SLI.Kind {
		case slo.SLILatency:
			if s.SLI.Native {
				// A native histogram is read with histogram functions over
				// each whole window: neither merged nor tiled.
				valid, good := s.SLI.NativeTemplates()
				sp.valid = &ref{src: get(exprSource(valid))}
				sp.valid.src.series = slo.Selector(s.SLI.Metric, s.SLI.Matchers)
				sp.good = &ref{src: get(exprSource(good))}
				continue
			}
			names, values, rest := splitMatchers(s.SLI.Matchers)
			base := s.SLI.HistogramBase()
			fid := base + "|" + strings.Join(names, ",") + "|" + matchersID(rest)
			fam, ok := families[fid]
			if !ok {
				fam = &bucketFamily{
					count: get(counterSource(base+"_count", rest, names)),
					les:   map[float64]bool{},
				}
				families[fid] = fam
				familyOrder = append(familyOrder, fid)
			}
			fam.les[s.SLI.Bucket] = true
			fam.plans = append(fam.plans, sp)
			key := strings.Join(values, "\xff")
			sp.valid = &ref{src: fam.count, key: key}
			sp.good = &ref{key: joinKey(key, strconv.FormatFloat(s.SLI.Bucket, 'f', -1, 64), len(names))}
		case slo.SLIErrors:
			names, values, rest := splitMatchers(s.SLI.Matchers)
			key := strings.Join(values, "\xff")
			sp.valid = &ref{src: get(counterSource(s.SLI.Metric, rest, names)), key: key}
			// One source per alternative of the error matcher, each merged
			// with the other SLOs' on the same counter.
			for _, alt := range s.SLI.ErrorMatcher {
				bad := append(append([]*labels.Matcher{}, rest...), alt...)
				sp.bad = append(sp.bad, &ref{src: get(counterSource(s.SLI.Metric, bad, names)), key: key})
			}
		case slo.SLIEvents:
			other := s.SLI.GoodQuery
			if s.SLI.ErrorQuery != "" {
				other = s.SLI.ErrorQuery
			}
			// Both queries counters, or both free PromQL: a ratio of a tiled
			// count and a rate() over the whole window would mix methods.
			asCounters := isEventCounter(s.SLI.TotalQuery) && isEventCounter(other)
			by := equalityNames(s.SLI.TotalQuery)
			sp.valid = eventsRef(get, s.SLI.TotalQuery, asCounters, by)
			if s.SLI.ErrorQuery != "" {
				sp.bad = []*ref{eventsRef(get, s.SLI.ErrorQuery, asCounters, by)}
			} else {
				sp.good = eventsRef(get, s.SLI.GoodQuery, asCounters, by)
			}
		case slo.SLIRaw:
			sp.ratio = &ref{src: get(exprSource(s.SLI.ErrorRatioQuery))}
		}
	}
	// The bucket source of a family matches every threshold its SLOs use,
	// so one query answers them all.
	for _, fid := range familyOrder {
		fam := families[fid]
		les := make([]float64, 0, len(fam.les))
		for le := range fam.les {
			les = append(les, le)
		}
		slices.Sort(les)
		names, _, rest := splitMatchers(fam.plans[0].slo.SLI.Matchers)
		matchers := append(append([]*labels.Matcher{}, rest...), bucketsMatcher(les))
		fam.buckets = get(counterSource(fam.plans[0].slo.SLI.Metric, matchers, append(names, "le")))
		for _, sp := range fam.plans {
			sp.good.src = fam.buckets
		}
	}
	narrow(p)
	// Each source is queried over every window one of its readers needs.
	need := map[*source]map[time.Duration]bool{}
	for _, sp := range p.slos {
		for _, r := range sp.refs() {
			if need[r.src] == nil {
				need[r.src] = map[time.Duration]bool{}
			}
			for _, w := range sp.windows {
				need[r.src][w] = true
			}
		}
	}
	for _, src := range p.sources {
		for w := range need[src] {
			src.windows = append(src.windows, w)
		}
		slices.Sort(src.windows)
	}
	return p
}

func counterSource(metric string, matchers []*labels.Matcher, by []string) *source {
	src := &source{metric: metric, matchers: matchers, by: by}
	src.setSelector(nil)
	return src
}

func (src *source) setSelector(extra []*labels.Matcher) {
	src.selector = slo.Selector(src.metric, append(append([]*labels.Matcher{}, src.matchers...), extra...))
	src.series = src.selector
	src.id = "sum by (" + strings.Join(src.by, ",") + ") " + src.selector
}

// maxNarrow is the most label values a merged query names in a regular
// expression; beyond it, the query reads every series of the metric.
const maxNarrow = 64

// narrow restricts each merged counter source to the label values its
// readers ask for: a few SLOs on a metric with thousands of series then read
// only their own series instead of all of them. A label whose readers ask
// for more than maxNarrow values is left open.
func narrow(p *plan) {
	values := map[*source][]map[string]bool{}
	for _, sp := range p.slos {
		for _, r := range sp.refs() {
			if !r.src.counter() || len(r.src.by) == 0 {
				continue
			}
			if values[r.src] == nil {
				values[r.src] = make([]map[string]bool, len(r.src.by))
				for i := range r.src.by {
					values[r.src][i] = map[string]bool{}
				}
			}
			for i, v := range strings.Split(r.key, "\xff") {
				if i < len(r.src.by) {
					values[r.src][i][v] = true
				}
			}
		}
	}
	for src, perLabel := range values {
		var extra []*labels.Matcher
		for i, name := range src.by {
			if name == "le" || len(perLabel[i]) > maxNarrow {
				continue
			}
			vals := make([]string, 0, len(perLabel[i]))
			for v := range perLabel[i] {
				vals = append(vals, v)
			}
			slices.Sort(vals)
			if len(vals) == 1 {
				extra = append(extra, labels.MustNewMatcher(labels.MatchEqual, name, vals[0]))
				continue
			}
			for j, v := range vals {
				vals[j] = regexp.QuoteMeta(v)
			}
			extra = append(extra, labels.MustNewMatcher(labels.MatchRegexp, name, strings.Join(vals, "|")))
		}
		src.setSelector(extra)
	}
}

func exprSource(expr string) *source {
	return &source{id: "expr " + expr, expr: expr}
}

// splitMatchers separates equality matchers, which tell merged SLOs apart,
// from the others, which must be equal for SLOs to merge. Names come sorted
// with their values in the same order.
func splitMatchers(ms []*labels.Matcher) (names, values []string, rest []*labels.Matcher) {
	eq := map[string]string{}
	for _, m := range ms {
		if _, dup := eq[m.Name]; m.Type == labels.MatchEqual && !dup {
			eq[m.Name] = m.Value
			continue
		}
		rest = append(rest, m)
	}
	for name := range eq {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		values = append(values, eq[name])
	}
	slices.SortFunc(rest, func(a, b *labels.Matcher) int { return strings.Compare(a.String(), b.String()) })
	return names, values, rest
}

func matchersID(ms []*labels.Matcher) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return strings.Join(parts, ",")
}

// bucketsMatcher matches the `le` of every threshold, in both spellings.
func bucketsMatcher(les []float64) *labels.Matcher {
	var alts []string
	for _, le := range les {
		m := slo.BucketMatcher(le)
		alts = append(alts, m.Value)
	}
	if len(alts) == 1 {
		return slo.BucketMatcher(les[0])
	}
	return labels.MustNewMatcher(labels.MatchRegexp, "le", strings.Join(alts, "|"))
}

func joinKey(key, le string, names int) string {
	if names == 0 {
		return le
	}
	return key + "\xff" + le
}

// periodWindow is the window the budget is counted over at `at`: the rolling
// period, or the time since the calendar period began (at least a minute).
func periodWindow(s *slo.SLO, at time.Time) time.Duration {
	start, _ := s.Period.Bounds(at)
	d := at.Sub(start).Truncate(time.Second)
	return max(d, time.Minute)
}

// FormatWindow renders a window in Prometheus duration notation with the
// largest unit that divides it: 5m, 1h, 3d, 30d (never weeks, unlike
// model.Duration).
func FormatWindow(d time.Duration) string {
	day := 24 * time.Hour
	switch {
	case d <= 0:
		return "0s"
	case d%day == 0:
		return fmt.Sprintf("%dd", d/day)
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d/time.Millisecond)
}
