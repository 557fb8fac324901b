package quality_test

import (
	"math"
	"time"

	"github.com/burnwatch/burnwatch/bench/internal/spanmetrics"
	"github.com/burnwatch/burnwatch/bench/internal/timeline"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// policy is the workbook policy for 30 days, which burnwatch and Sloth
// share.
var policy = burnrate.DefaultWindows(30 * day)

// worthy is the ground truth: whether an incident deserves a tier. It does
// when, at some scrape of the watched range, the budget it consumed over
// one of the tier's long windows reached that window's budget share: the
// exact burn rate over the window, counted from the events generated,
// reached the rule's factor.
func worthy(c *spanmetrics.Counts, t0 time.Time, horizon time.Duration, sev slo.Severity) bool {
	budget := 1 - objective
	for at := t0; !at.After(t0.Add(horizon)); at = at.Add(scrape) {
		for _, w := range policy {
			if w.Severity == sev && c.BurnRate(at, w.Long, budget) >= w.Factor {
				return true
			}
		}
	}
	return false
}

// floor is the soonest any evaluator can fire a tier for an incident with
// a constant error ratio: (1 − objective) × long window × factor / error
// ratio, for the tier's quickest rule; −1 when no rule of the tier can fire
// on that ratio alone.
func floor(ratio float64, sev slo.Severity) time.Duration {
	best := time.Duration(-1)
	budget := 1 - objective
	for _, w := range policy {
		if w.Severity != sev || ratio <= w.Factor*budget {
			continue
		}
		d := time.Duration(budget * float64(w.Long) * w.Factor / ratio)
		if best < 0 || d < best {
			best = d
		}
	}
	return best
}

// verdict is how a detector did on one tier of one scenario.
type verdict struct {
	fired bool
	// detected is from the incident's start to the first firing instant;
	// early is set when that instant came before the start.
	detected time.Duration
	early    bool
	// reset is from the incident's end to the first instant that no longer
	// fires after the last one that did (negative when the alert stopped
	// before the incident ended); stillFiring is set when it fired at the
	// last instant watched.
	reset       time.Duration
	stillFiring bool
	// episodes counts the times the alert started firing.
	episodes int
}

func judge(tl timeline.Timeline, instants []time.Time, start, end time.Time, sev slo.Severity) verdict {
	v := verdict{detected: -1}
	var last time.Time
	prev := false
	for _, at := range instants {
		f := tl.At(at).Fires(sev)
		if f && !prev {
			v.episodes++
		}
		if f && !v.fired {
			v.fired = true
			v.detected = at.Sub(start)
			v.early = at.Before(start)
		}
		if !f && prev {
			last = at
		}
		prev = f
	}
	switch {
	case v.fired && prev:
		v.stillFiring = true
	case v.fired:
		v.reset = last.Sub(end)
	}
	return v
}

// outcome names a verdict against the truth.
func outcome(fired, worthy bool) string {
	switch {
	case fired && worthy:
		return "TP"
	case fired:
		return "FP"
	case worthy:
		return "FN"
	}
	return "TN"
}

// tally counts outcomes for precision and recall.
type tally struct{ tp, fp, fn, tn int }

func (t *tally) add(o string) {
	switch o {
	case "TP":
		t.tp++
	case "FP":
		t.fp++
	case "FN":
		t.fn++
	default:
		t.tn++
	}
}

func (t tally) precision() float64 { return ratio(t.tp, t.tp+t.fp) }
func (t tally) recall() float64    { return ratio(t.tp, t.tp+t.fn) }

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}
