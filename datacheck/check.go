package datacheck

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// Source is what the checks read from a Prometheus: label names and values
// of the series selectors match, and exemplar counts. prom.HTTP and
// prom.Embedded implement it.
type Source interface {
	// LabelNames returns the label names of the series matching any of the
	// selectors between start and end.
	LabelNames(ctx context.Context, selectors []string, start, end time.Time) ([]string, error)
	// LabelValues returns the values of label on the series matching any
	// of the selectors between start and end.
	LabelValues(ctx context.Context, label string, selectors []string, start, end time.Time) ([]string, error)
	// ExemplarCount returns how many exemplars the series selected by
	// selector carry between start and end.
	ExemplarCount(ctx context.Context, selector string, start, end time.Time) (int, error)
}

// Severity says whether a finding stops the SLO from being evaluated.
type Severity string

// The severities of findings.
const (
	// Error: the SLO cannot be evaluated truthfully (a threshold that is
	// not a bucket boundary, a selector that matches nothing); its state
	// becomes "error" with the finding as the reason.
	Error Severity = "error"
	// Warning: the SLO is evaluated, but something it needs is missing
	// (exemplars for trace links).
	Warning Severity = "warning"
)

// Finding is one problem found in the data of an SLO.
type Finding struct {
	Severity Severity
	Message  string
}

// Result is what the checks found for one SLO.
type Result struct {
	SLO      *slo.SLO
	Findings []Finding
	// Err is set when the checks could not run (a query failed); such an
	// SLO is not blocked.
	Err error
}

// Errors returns the messages of the findings of severity Error.
func (r Result) Errors() []string { return r.messages(Error) }

// Warnings returns the messages of the findings of severity Warning.
func (r Result) Warnings() []string { return r.messages(Warning) }

func (r Result) messages(sev Severity) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Severity == sev {
			out = append(out, f.Message)
		}
	}
	return out
}

// Options tune Check. The zero value is the default.
type Options struct {
	// Lookback is how far back series and exemplars are looked for
	// (default 1h).
	Lookback time.Duration
	// Parallelism bounds the SLOs checked at once (default 4).
	Parallelism int
}

func (o Options) withDefaults() Options {
	if o.Lookback <= 0 {
		o.Lookback = time.Hour
	}
	if o.Parallelism <= 0 {
		o.Parallelism = 4
	}
	return o
}

// Check checks every SLO against what src holds over the lookback before
// at, and returns one result per SLO, in order. Events and raw SLIs are
// PromQL of their own and are not checked.
func Check(ctx context.Context, src Source, slos []*slo.SLO, at time.Time, opts Options) []Result {
	opts = opts.withDefaults()
	out := make([]Result, len(slos))
	sem := make(chan struct{}, opts.Parallelism)
	var wg sync.WaitGroup
	for i, s := range slos {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c := &checker{ctx: ctx, src: src, s: s, start: at.Add(-opts.Lookback), end: at, lookback: opts.Lookback}
			out[i] = c.run()
		})
	}
	wg.Wait()
	return out
}

// Blocked returns, for each SLO with errors, the reason its state is
// "error": the errors joined. The evaluator takes this map.
func Blocked(results []Result) map[string]string {
	out := map[string]string{}
	for _, r := range results {
		if errs := r.Errors(); len(errs) > 0 {
			out[r.SLO.ID] = strings.Join(errs, "; ")
		}
	}
	return out
}

// checker checks one SLO.
type checker struct {
	ctx        context.Context
	src        Source
	s          *slo.SLO
	start, end time.Time
	lookback   time.Duration
	findings   []Finding
}

func (c *checker) errorf(format string, args ...any) {
	c.findings = append(c.findings, Finding{Severity: Error, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) warnf(format string, args ...any) {
	c.findings = append(c.findings, Finding{Severity: Warning, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) run() Result {
	var err error
	switch c.s.SLI.Kind {
	case slo.SLILatency:
		err = c.latency()
	case slo.SLIErrors:
		err = c.errors()
	}
	if err != nil {
		return Result{SLO: c.s, Err: fmt.Errorf("check %s against the data: %w", c.s.ID, err)}
	}
	return Result{SLO: c.s, Findings: c.findings}
}
