package burnrate

import (
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/burnwatch/burnwatch/slo"
)

// An events SLI is free PromQL, which the planner can neither merge nor
// tile: every window, the 30-day one included, is re-read in full each
// cycle. The commonest events query (the one Sloth's examples use) is no
// more than a counter summed over a window, `sum(rate(x{…}[{{.window}}]))`
// or `sum(increase(…))`; it is planned as the merged, tiled counter source
// an errors SLI on the same counter would read, rate() being the increase
// over the window's seconds. Anything else stays free PromQL.

var eventsParser = parser.NewParser(parser.Options{})

// eventCounter is an events query read as a counter.
type eventCounter struct {
	metric    string
	matchers  []*labels.Matcher
	perSecond bool
}

// asEventCounter recognises `sum(rate(sel[{{.window}}]))` and
// `sum(increase(sel[{{.window}}]))` over a plain selector of one metric.
// The template is expanded at two windows, both of which must land in the
// range, so that a window used anywhere else is not mistaken for it.
func asEventCounter(tmpl string) (eventCounter, bool) {
	var out eventCounter
	for i, w := range []time.Duration{5 * time.Minute, 7 * time.Hour} {
		expr, err := slo.ExpandWindow(tmpl, FormatWindow(w))
		if err != nil {
			return eventCounter{}, false
		}
		parsed, err := eventsParser.ParseExpr(expr)
		if err != nil {
			return eventCounter{}, false
		}
		agg, ok := parsed.(*parser.AggregateExpr)
		if !ok || agg.Op != parser.SUM || len(agg.Grouping) > 0 || agg.Without || agg.Param != nil {
			return eventCounter{}, false
		}
		call, ok := unwrapParens(agg.Expr).(*parser.Call)
		if !ok || (call.Func.Name != "rate" && call.Func.Name != "increase") || len(call.Args) != 1 {
			return eventCounter{}, false
		}
		ms, ok := call.Args[0].(*parser.MatrixSelector)
		if !ok || ms.Range != w {
			return eventCounter{}, false
		}
		vs, ok := ms.VectorSelector.(*parser.VectorSelector)
		if !ok || vs.OriginalOffset != 0 || vs.Offset != 0 || vs.Timestamp != nil || vs.StartOrEnd != 0 {
			return eventCounter{}, false
		}
		var name string
		var rest []*labels.Matcher
		for _, m := range vs.LabelMatchers {
			if m.Name == model.MetricNameLabel {
				if m.Type != labels.MatchEqual || name != "" {
					return eventCounter{}, false
				}
				name = m.Value
				continue
			}
			rest = append(rest, m)
		}
		if name == "" {
			return eventCounter{}, false
		}
		if i == 0 {
			out = eventCounter{metric: name, matchers: rest, perSecond: call.Func.Name == "rate"}
		}
	}
	return out, true
}

func unwrapParens(e parser.Expr) parser.Expr {
	for {
		p, ok := e.(*parser.ParenExpr)
		if !ok {
			return e
		}
		e = p.Expr
	}
}

// isEventCounter says whether an events query reads as a counter.
func isEventCounter(tmpl string) bool {
	_, ok := asEventCounter(tmpl)
	return ok
}

// eventsRef returns the ref an events query is read through: a merged
// counter source when asCounter and the query is a summed counter, else
// the query itself. The source is the one an errors SLI on the counter
// reads: it tells readers apart by the labels the total query matches with
// equality (by), and the error or good query's further matchers narrow its
// selector.
func eventsRef(get func(*source) *source, tmpl string, asCounter bool, by []string) *ref {
	c, ok := asEventCounter(tmpl)
	if !ok || !asCounter {
		return &ref{src: get(exprSource(tmpl))}
	}
	names, values, rest := splitMatchers(c.matchers)
	var keep, keys []string
	for i, n := range names {
		if by != nil && !slices.Contains(by, n) {
			rest = append(rest, labels.MustNewMatcher(labels.MatchEqual, n, values[i]))
			continue
		}
		keep, keys = append(keep, n), append(keys, values[i])
	}
	slices.SortFunc(rest, func(a, b *labels.Matcher) int { return strings.Compare(a.String(), b.String()) })
	return &ref{src: get(counterSource(c.metric, rest, keep)), key: strings.Join(keys, "\xff"), perSecond: c.perSecond}
}

// equalityNames lists the labels an events query matches with equality.
func equalityNames(tmpl string) []string {
	c, ok := asEventCounter(tmpl)
	if !ok {
		return nil
	}
	names, _, _ := splitMatchers(c.matchers)
	return append([]string{}, names...)
}
