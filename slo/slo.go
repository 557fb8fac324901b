package slo

import (
	"strconv"
	"time"

	"github.com/prometheus/prometheus/model/labels"
)

// SLO is one validated service level objective, ready to be evaluated.
type SLO struct {
	// ID is the stable identity of the SLO, "service/name", unique across
	// every loaded file. Alert state and dashboard URLs are keyed by it.
	ID          string
	Name        string
	Service     string
	Team        string
	Description string
	// Objective is the target share of good events as a ratio in (0, 1),
	// e.g. 0.999 for a spec that says 99.9, rounded to 10 significant
	// digits so that it reads as written (not 0.9990000000000001).
	Objective float64
	Period    Period
	Labels    map[string]string
	SLI       SLI
	Alerting  Alerting
	Traces    Traces
	Owners    Owners
	// GroupBy names the labels that split the SLO into one SLO per label
	// value found in Prometheus (see ExpandGroup); empty for a plain SLO.
	GroupBy []string
	// MaxGroups bounds how many SLOs a grouped SLO expands to.
	MaxGroups int
	// Group is set on an SLO expanded from a grouped one: the grouped
	// SLO's id and the label values this SLO stands for.
	Group *GroupMember
	// Corrections are the spans whose events the SLO does not count.
	Corrections Corrections
	// Gate is the SLO's deploy-gate policy (its own, else its file's); nil
	// when it has none.
	Gate *Gate
	// Source says where the SLO was declared.
	Source Source
}

// roundSignificant rounds to 10 significant digits: enough for any
// objective a person writes, and it drops the binary noise of dividing by
// 100 (99.9 / 100 = 0.9990000000000001).
func roundSignificant(f float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 10, 64), 64)
	if err != nil {
		return f
	}
	return r
}

// ObjectivePercent is the objective in percent as the spec wrote it: 99.9,
// never 99.90000000000001. Show this (or Objective) to people.
func (s *SLO) ObjectivePercent() float64 { return roundSignificant(s.Objective * 100) }

// ErrorBudget is the share of events allowed to be bad over the period:
// 1 − objective.
func (s *SLO) ErrorBudget() float64 { return 1 - s.Objective }

// Source is the place in a spec file where an SLO was declared, and the
// format of that file.
type Source struct {
	Path   string
	Line   int
	Column int
	Format string
}

// Owners are the routing hints a team gives for its SLOs.
type Owners struct {
	SlackChannel     string
	PagerDutyService string
}

// SLIKind names the kind of service level indicator.
type SLIKind string

// The kinds of SLI a spec may declare.
const (
	// SLILatency counts a request as good when a span-metrics histogram puts
	// it at or under a latency threshold.
	SLILatency SLIKind = "latency"
	// SLIErrors counts a call as bad when its span status is an error.
	SLIErrors SLIKind = "errors"
	// SLIEvents divides bad (or good) events by total events, given as PromQL.
	SLIEvents SLIKind = "events"
	// SLIRaw is an error ratio computed by a PromQL query.
	SLIRaw SLIKind = "raw"
)

// SLI says how good and valid events are counted. Latency and errors SLIs
// keep their structure (metric, matchers, threshold) so that the query
// planner can merge SLOs that share a metric; events and raw SLIs are PromQL
// templates with a {{.window}} placeholder.
type SLI struct {
	Kind SLIKind

	// Dialect is the span-metrics producer of the metric (latency, errors).
	Dialect Dialect
	// Metric is the series name queried: the histogram's _bucket series for a
	// latency SLI (the histogram itself when Native), the calls counter for
	// an errors SLI.
	Metric string
	// Matchers select the series, without the metric name.
	Matchers []*labels.Matcher
	// Threshold is the latency a good request stays at or under.
	Threshold time.Duration
	// Bucket is Threshold in the histogram's unit: the `le` boundary.
	Bucket float64
	// Native is set for a native (exponential) histogram: Metric is then
	// the histogram itself (no _bucket series), and good events are its
	// histogram_fraction up to Bucket, which need not be a boundary.
	Native bool
	// ErrorMatcher marks a bad call in an errors SLI: the spec's
	// error_matcher as one alternative, or DefaultErrorMatcher's two. It
	// has at least one alternative.
	ErrorMatcher ErrorMatcher

	// GoodQuery, ErrorQuery and TotalQuery are events templates: exactly one
	// of GoodQuery and ErrorQuery is set, with TotalQuery.
	GoodQuery, ErrorQuery, TotalQuery string
	// ErrorRatioQuery is the raw SLI's template.
	ErrorRatioQuery string
}

// Severity is an alert tier.
type Severity string

// The two alert tiers of the multi-window multi-burn-rate method.
const (
	Page   Severity = "page"
	Ticket Severity = "ticket"
)

// Alerting is the alert policy of an SLO.
type Alerting struct {
	// Name is the alert name shown to people and to Alertmanager.
	Name   string
	Page   Tier
	Ticket Tier
	// Windows are the spec's own burn-rate windows; nil means the default
	// policy for the SLO's period.
	Windows     []Window
	Labels      map[string]string
	Annotations map[string]string
	RunbookURL  string
	// MinValidEvents is the low-traffic guard: with fewer valid events than
	// this in an alert's long window, the alert does not fire.
	MinValidEvents float64
	// LowTrafficConfidence is the sampling guard of the page rules (see
	// burnrate's lowtraffic.go): a page rule fires only when its long
	// window holds more bad events than a service burning at exactly the
	// rule's factor would, with this probability. 0 turns it off. The
	// spec's low_traffic_confidence, by default DefaultLowTrafficConfidence
	// for latency and errors SLIs and 0 for the others.
	LowTrafficConfidence float64
	// Exhaustion, when set, alerts on a budget that will soon be spent.
	Exhaustion *Exhaustion
	// BudgetSpent, when set, notifies once per period that the budget is
	// spent.
	BudgetSpent *BudgetSpent
}

// DefaultLowTrafficConfidence is the sampling guard of latency and errors
// SLIs, whose event counts burnwatch queries itself: more bad events than
// the median count of a service burning at exactly the factor.
const DefaultLowTrafficConfidence = 0.5

// Tier is the configuration of one alert tier.
type Tier struct {
	Disabled    bool
	Labels      map[string]string
	Annotations map[string]string
}

// Window is one multi-window alert rule: the tier fires when the burn rate
// over both Long and Short exceeds Factor.
type Window struct {
	Severity Severity
	Long     time.Duration
	Short    time.Duration
	// Factor is the burn-rate threshold.
	Factor float64
	// BudgetShare is the share of the period's error budget that burning at
	// Factor for Long consumes, in (0, 1].
	BudgetShare float64
}
