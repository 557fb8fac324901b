package timeline

import (
	"testing"
	"time"
)

func TestInstantsMergeSegments(t *testing.T) {
	t0 := time.Unix(0, 0)
	got := Instants(
		Segment{Start: t0, End: t0.Add(time.Minute), Step: 30 * time.Second},
		Segment{Start: t0, End: t0.Add(2 * time.Minute), Step: time.Minute},
	)
	want := []time.Duration{0, 30 * time.Second, time.Minute, 2 * time.Minute}
	if len(got) != len(want) {
		t.Fatalf("got %d instants %v, want %v", len(got), got, want)
	}
	for i, w := range want {
		if got[i].Sub(t0) != w {
			t.Errorf("instant %d = %s, want %s", i, got[i].Sub(t0), w)
		}
	}
}
