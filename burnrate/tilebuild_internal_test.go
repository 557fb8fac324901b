package burnrate

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/common/model"
)

// fleetAnswers answers every query as if keys series groups ("key" label)
// each had an increase of value(key, end, step) over the step ending at
// end, from the time they appear until the time they vanish: two series
// with half of it each, and one more whose increases are unknown (NaN). It
// keeps the most points one answer held.
type fleetAnswers struct {
	keys     int
	appear   func(key int) time.Time
	vanish   func(key int) time.Time
	mostHeld atomic.Int64
}

func (f *fleetAnswers) value(key int, end time.Time, step time.Duration) float64 {
	return float64(key%97) + float64(end.Unix()%7919)/float64(step/time.Minute)
}

func (f *fleetAnswers) present(key int, at time.Time) bool {
	return !at.Before(f.appear(key)) && at.Before(f.vanish(key))
}

func (f *fleetAnswers) Query(_ context.Context, _ string, at time.Time) (model.Vector, error) {
	return nil, fmt.Errorf("instant query at %s: tiles are built by range queries here", at)
}

func (f *fleetAnswers) QueryRange(_ context.Context, _ string, r Range) (model.Matrix, error) {
	var m model.Matrix
	held := 0
	for k := range f.keys {
		for part, share := range []float64{0.5, 0.5, math.NaN()} {
			s := &model.SampleStream{Metric: model.Metric{"key": model.LabelValue(fmt.Sprint(k)), "part": model.LabelValue(fmt.Sprint(part))}}
			for end := r.Start; !end.After(r.End); end = end.Add(r.Step) {
				if f.present(k, end) {
					s.Values = append(s.Values, model.SamplePair{Timestamp: model.TimeFromUnixNano(end.UnixNano()), Value: model.SampleValue(share * f.value(k, end, r.Step))})
				}
			}
			if len(s.Values) > 0 {
				m = append(m, s)
				held += len(s.Values)
			}
		}
	}
	for most := f.mostHeld.Load(); int64(held) > most && !f.mostHeld.CompareAndSwap(most, int64(held)); most = f.mostHeld.Load() {
	}
	return m, nil
}

func TestAnAnswerThatBuildsTilesHoldsAtMostTheBudgetOfPointsWithManyKeys(t *testing.T) {
	fineEnd := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	// Two hours of fine tiles and eight of coarse ones: 37 and 9 steps.
	opts, longest := Options{FineSpan: 2 * time.Hour}, 8*time.Hour
	many := maxChunkPoints / 20
	for _, tc := range []struct {
		name string
		keys int
		// late keys appear 150 minutes before fineEnd, among the fine
		// tiles; gone keys vanish five hours before it, among the coarse
		// ones; the others are there throughout.
		late, gone int
	}{
		{"A twentieth of the budget in keys present throughout stays within it.", many, 0, 0},
		{"Keys that appear late are known from the newest tile, read first.", many, many / 2, 0},
		{"Keys that vanished add to the keys of the newest tile.", many, 0, many / 50},
		{"Forty keys are read in chunks of at most the step bound.", 40, 10, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fleetAnswers{
				keys: tc.keys,
				appear: func(k int) time.Time {
					if k < tc.late {
						return fineEnd.Add(-150 * time.Minute)
					}
					return time.Time{}
				},
				vanish: func(k int) time.Time {
					if k >= tc.keys-tc.gone {
						return fineEnd.Add(-5 * time.Hour)
					}
					return fineEnd.Add(time.Hour)
				},
			}
			e := NewEvaluator(opts)
			src := &source{id: "fleet", selector: "x", by: []string{"key"}}
			tl := newTiles(e.opts.FineTile, e.opts.CoarseTile)
			if err := e.updateTiles(context.Background(), f, src, tl, nil, fineEnd, longest); err != nil {
				t.Fatal(err)
			}
			if held := f.mostHeld.Load(); held > 3*maxChunkPoints || held > int64(3*maxRangeSteps*tc.keys) {
				// Three series a key: three points a key and step.
				t.Errorf("an answer held %d points, want at most %d and %d steps of every key", held/3, maxChunkPoints, maxRangeSteps)
			}
			for _, run := range []*tileRun{tl.coarse, tl.fine} {
				if run.count == 0 || run.end().Before(fineEnd.Truncate(run.step)) {
					t.Fatalf("the %s tiles end at %s, want %s", run.step, run.end(), fineEnd)
				}
				for k := range tc.keys {
					s := run.vals[fmt.Sprint(k)]
					for i := range run.count {
						end := run.first.Add(time.Duration(i+1) * run.step)
						want := math.NaN()
						if f.present(k, end) {
							want = f.value(k, end, run.step)
						}
						got := math.NaN()
						if s != nil {
							got = s[i]
						}
						if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
							t.Fatalf("key %d, %s tile ending at %s: %v, want %v", k, run.step, end, got, want)
						}
					}
				}
			}
		})
	}
}
