package burnrate

import (
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
