package burnrate

import (
	"math"
	"testing"
	"time"
)

// A run that appends a tile and trims one every step, as a warm
// evaluator's runs do, keeps its tiles in slices hardly larger than them,
// and still answers each tile it holds.
func TestTileRunRoomStaysSmallAcrossSteps(t *testing.T) {
	const (
		held  = 300
		steps = 2000
		keys  = 3
	)
	step := 5 * time.Minute
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	value := func(key, tile int) float64 { return float64(key*100000 + tile) }
	for _, built := range []struct {
		name  string
		build func(r *tileRun)
	}{
		{"a run appended tile by tile", func(r *tileRun) {}},
		{"a run built by a range answer", func(r *tileRun) {
			r.reserve(held)
			r.appendAnswer(&source{}, nil, start.Add(step), held)
		}},
	} {
		t.Run(built.name, func(t *testing.T) {
			r := newTileRun(step)
			built.build(r)
			for i := r.count; i < held+steps; i++ {
				end := start.Add(time.Duration(i+1) * step)
				vals := map[string]float64{}
				for k := range keys {
					vals[string(rune('a'+k))] = value(k, i)
				}
				r.append(end, vals)
				r.trim(end.Add(-held * step))
				if r.count != min(i+1, held) {
					t.Fatalf("after tile %d: %d tiles, want %d", i, r.count, min(i+1, held))
				}
			}
			limit := held + held/32 + 2
			for k := range keys {
				s := r.vals[string(rune('a'+k))]
				if cap(s) > limit {
					t.Errorf("key %d: room for %d tiles to hold %d, want at most %d", k, cap(s), len(s), limit)
				}
				for j, v := range s {
					tile := steps + j
					if want := value(k, tile); v != want {
						t.Fatalf("key %d, tile %d: %v, want %v", k, tile, v, want)
					}
				}
			}
		})
	}
}

// The coarse run of a history shorter than its longest window (a new
// fleet, or a Prometheus that keeps less than the window) holds the tiles
// since the history begins, not the unanswered ones before, and sums every
// window as the run that keeps them does.
func TestCoarseRunHoldsNoTilesBeforeTheHistory(t *testing.T) {
	const (
		tiles    = 722 // 30 days and two hours
		answered = 75  // three days and three hours
	)
	step := time.Hour
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	coarse := newTiles(5*time.Minute, step).coarse
	kept := newTileRun(step)
	for _, r := range []*tileRun{coarse, kept} {
		r.reserve(tiles)
		for i := range tiles {
			vals := map[string]float64{}
			if i >= tiles-answered {
				vals["a"] = float64(i%7) + 0.1
			}
			if i >= tiles-answered/2 {
				vals["b"] = float64(i%5) + 0.3
			}
			r.append(start.Add(time.Duration(i+1)*step), vals)
		}
		r.trim(start.Add(step))
	}
	if coarse.count != answered {
		t.Errorf("the coarse run holds %d tiles, want the %d answered", coarse.count, answered)
	}
	for k, s := range coarse.vals {
		if cap(s) > answered+answered/8+8 {
			t.Errorf("key %s: room for %d tiles to hold %d", k, cap(s), len(s))
		}
	}
	end := kept.end()
	for _, k := range []string{"a", "b", "c"} {
		for from := kept.first; from.Before(end); from = from.Add(17 * time.Minute) {
			got, gotOK := coarse.sum(k, from, end)
			want, wantOK := kept.sum(k, from, end)
			if math.Float64bits(got) != math.Float64bits(want) || gotOK != wantOK {
				t.Fatalf("key %s from %s: %v (%v), the run that keeps every tile sums %v (%v)", k, from, got, gotOK, want, wantOK)
			}
		}
	}
}
