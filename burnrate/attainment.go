package burnrate

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// Attainment is an SLO's SLI over a span of the past, such as last week
// for a report.
type Attainment struct {
	// Good and Valid are the events of the span outside corrections; NaN
	// for a raw SLI.
	Good, Valid float64
	// ErrorRatio is 1 − good/valid; NaN without valid events.
	ErrorRatio float64
	// BudgetConsumed is the share of the error budget the span's bad
	// events spent, as if the span were the SLO's period: ErrorRatio /
	// (1 − objective).
	BudgetConsumed float64
}

// SLI is the share of good events: 1 − ErrorRatio.
func (a Attainment) SLI() float64 { return 1 - a.ErrorRatio }

// AttainmentOver computes an SLO's attainment over [from, to) from instant
// queries at the ends of the spans outside its corrections, as the history
// does.
func AttainmentOver(ctx context.Context, q Querier, s *slo.SLO, from, to time.Time) (Attainment, error) {
	out := Attainment{Good: math.NaN(), Valid: math.NaN(), ErrorRatio: math.NaN(), BudgetConsumed: math.NaN()}
	tr := tileReader{q: q, s: s, at: to, h: &SLOHistory{}}
	spans := outside(from, to, s.Corrections.Within(from, to))
	if len(spans) == 0 {
		return out, nil
	}
	if s.SLI.Kind == slo.SLIRaw {
		// No events to add up: the error ratio of each span, weighted by
		// its length.
		var sum, weight float64
		for _, iv := range spans {
			expr, err := tr.ratioQuery(FormatWindow(iv.Length()))
			if err != nil {
				return out, err
			}
			v, err := tr.instant(ctx, expr, iv.To)
			if err != nil {
				return out, fmt.Errorf("attainment of %s: %w", s.ID, err)
			}
			if !math.IsNaN(v) {
				sum += clampRatio(v) * iv.Length().Seconds()
				weight += iv.Length().Seconds()
			}
		}
		if weight > 0 {
			out.ErrorRatio = sum / weight
		}
	} else {
		bad, valid, err := tr.eventsIn(ctx, spans)
		if err != nil {
			return out, fmt.Errorf("attainment of %s: %w", s.ID, err)
		}
		out.Valid, out.Good = valid, valid-math.Min(bad, valid)
		out.ErrorRatio = errorRatio(bad, valid)
	}
	out.BudgetConsumed = BurnRate(out.ErrorRatio, s.ErrorBudget())
	return out, nil
}
