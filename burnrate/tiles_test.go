package burnrate

import (
	"testing"
	"time"
)

func TestTileSumsWholeAndPartialTiles(t *testing.T) {
	base := time.Unix(0, 0)
	run := newTileRun(time.Hour)
	for i := 1; i <= 4; i++ {
		run.append(base.Add(time.Duration(i)*time.Hour), map[string]float64{"a": float64(10 * i)})
	}
	// Tiles: [0,1h)=10 [1h,2h)=20 [2h,3h)=30 [3h,4h)=40.
	tests := []struct {
		name     string
		from, to time.Duration
		want     float64
	}{
		{"every tile", 0, 4 * time.Hour, 100},
		{"the last two", 2 * time.Hour, 4 * time.Hour, 70},
		{"half of the second tile and the rest", 90 * time.Minute, 4 * time.Hour, 10 + 30 + 40},
		{"from before the run counts what is there", -5 * time.Hour, 2 * time.Hour, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := run.sum("a", base.Add(tt.from), base.Add(tt.to))
			if !ok || got != tt.want {
				t.Errorf("sum = %v (%v), want %v", got, ok, tt.want)
			}
		})
	}
	if _, ok := run.sum("missing", base, base.Add(time.Hour)); ok {
		t.Error("a series with no tiles reported as present")
	}
}

func TestTilesRollUpAndTrim(t *testing.T) {
	base := time.Unix(0, 0)
	ts := newTiles(5*time.Minute, time.Hour)
	ts.coarse.append(base.Add(time.Hour), map[string]float64{"a": 100})
	for i := 1; i <= 24; i++ {
		ts.fine.append(base.Add(time.Hour+time.Duration(i)*5*time.Minute), map[string]float64{"a": 1, "b": 2})
	}
	ts.rollUp()
	if ts.coarse.count != 3 {
		t.Fatalf("coarse tiles = %d, want 3 after rolling up two hours", ts.coarse.count)
	}
	if got, _ := ts.coarse.sum("b", base.Add(time.Hour), base.Add(3*time.Hour)); got != 48 {
		t.Errorf("rolled-up b = %v, want 48", got)
	}
	// A series that appears later reads as zero before it appeared.
	if got, _ := ts.coarse.sum("b", base, base.Add(time.Hour)); got != 0 {
		t.Errorf("b before it appeared = %v, want 0", got)
	}
	ts.fine.trim(base.Add(2 * time.Hour))
	if ts.fine.count != 12 || !ts.fine.first.Equal(base.Add(2*time.Hour)) {
		t.Errorf("after trim: %d fine tiles from %s, want 12 from 2h", ts.fine.count, ts.fine.first.Sub(base))
	}
	got, _ := ts.window("a", base.Add(30*time.Minute))
	if want := 50.0 + 12 + 12; got != want {
		t.Errorf("window from 30m = %v, want %v (half a coarse tile, a rolled-up hour, fine tiles)", got, want)
	}
}
