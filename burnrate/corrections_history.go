package burnrate

import (
	"context"
	"math"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// The history honours corrections as the evaluator does: a step that a
// correction overlaps is counted again over the spans outside corrections
// only, a step wholly inside corrections has no events, and each burn-rate
// point whose window a correction overlaps is computed again the same way.
// Counting the spans outside (rather than subtracting the spans inside)
// keeps increase()'s extrapolation from carrying corrected events over.
// A raw SLI has no events to count: only its steps and points wholly
// inside corrections are left out.

// correctTiles takes the corrected events out of the tiles; index 0 ends
// at tr.at. The oldest tile starts at periodStart for a calendar period.
func (tr *tileReader) correctTiles(ctx context.Context, ratio, bad, valid []float64, periodStart time.Time) error {
	cs := tr.s.Corrections
	if len(cs) == 0 {
		return nil
	}
	tr.h.Corrections = cs.Within(tr.h.From, tr.at)
	for k := range ratio {
		from, to := tr.end(k).Add(-tr.step), tr.end(k)
		if tr.s.Period.Calendar != "" && from.Before(periodStart) {
			from = periodStart
		}
		spans := cs.Within(from, to)
		switch {
		case len(spans) == 0:
			continue
		case len(spans) == 1 && spans[0].Length() >= to.Sub(from):
			ratio[k] = math.NaN()
			if valid != nil {
				bad[k], valid[k] = math.NaN(), math.NaN()
			}
			continue
		case valid == nil:
			continue // a raw SLI: nothing to subtract
		}
		b, v, err := tr.eventsIn(ctx, outside(from, to, spans))
		if err != nil {
			return err
		}
		bad[k], valid[k] = b, v
		ratio[k] = errorRatio(b, v)
	}
	return nil
}

// outside returns the parts of [from, to) that spans (sorted, inside it,
// not overlapping) leave free.
func outside(from, to time.Time, spans []slo.Interval) []slo.Interval {
	var out []slo.Interval
	for _, iv := range spans {
		if iv.From.After(from) {
			out = append(out, slo.Interval{From: from, To: iv.From})
		}
		from = iv.To
	}
	if to.After(from) {
		out = append(out, slo.Interval{From: from, To: to})
	}
	return out
}

// eventsIn returns the bad and valid events inside spans.
func (tr *tileReader) eventsIn(ctx context.Context, spans []slo.Interval) (bad, valid float64, err error) {
	for _, iv := range spans {
		badExpr, validExpr, err := tr.eventQueries(FormatWindow(iv.Length()))
		if err != nil {
			return 0, 0, err
		}
		b, err := tr.instant(ctx, badExpr, iv.To)
		if err != nil {
			return 0, 0, err
		}
		v, err := tr.instant(ctx, validExpr, iv.To)
		if err != nil {
			return 0, 0, err
		}
		bad, valid = bad+zeroIfNaN(b), valid+zeroIfNaN(v)
	}
	return bad, valid, nil
}

// correctBurnRates computes again the burn-rate points whose window a
// correction overlaps.
func (tr *tileReader) correctBurnRates(ctx context.Context, series []BurnSeries) error {
	cs := tr.s.Corrections
	if len(cs) == 0 {
		return nil
	}
	type point struct {
		at   time.Time
		long time.Duration
	}
	done := map[point]float64{}
	for i := range series {
		long := series[i].Rule.Long
		for j, p := range series[i].Points {
			spans := cs.Within(p.At.Add(-long), p.At)
			if len(spans) == 0 {
				continue
			}
			if v, ok := done[point{p.At, long}]; ok {
				series[i].Points[j].Value = v
				continue
			}
			v, err := tr.correctedBurnRate(ctx, p, long, spans)
			if err != nil {
				return err
			}
			done[point{p.At, long}] = v
			series[i].Points[j].Value = v
		}
	}
	return nil
}

func (tr *tileReader) correctedBurnRate(ctx context.Context, p Point, long time.Duration, spans []slo.Interval) (float64, error) {
	if len(spans) == 1 && spans[0].Length() >= long {
		return math.NaN(), nil
	}
	if tr.s.SLI.Kind == slo.SLIRaw {
		return p.Value, nil
	}
	b, v, err := tr.eventsIn(ctx, outside(p.At.Add(-long), p.At, spans))
	if err != nil {
		return 0, err
	}
	return BurnRate(errorRatio(b, v), tr.s.ErrorBudget()), nil
}
