package burnrate

import (
	"math"
	"slices"
	"time"
)

// Long windows (a day, three days, the 30-day period) do not re-scan raw
// samples every cycle. A counter source keeps the increases of its series
// over consecutive tiles: fine tiles (5m) for the last day and a bit, coarse
// tiles (1h, each the sum of twelve fine ones) for as far back as the
// longest window. A window is then the sum of the tiles it covers, a
// fraction of the oldest tile where the window starts inside it, and a
// "head" queried each cycle from the end of the newest tile until now.
// Start-up (or a gap) rebuilds the tiles with one range query per level.

// tileRun is a run of consecutive tiles of one length, for every series of
// a source. Tile i covers [first + i·step, first + (i+1)·step). A tile that
// no series answered for is NaN, not zero: a series that vanished (a renamed
// metric) is missing data, not zero events.
type tileRun struct {
	step  time.Duration
	first time.Time
	count int
	vals  map[string][]float64
	// capacity is the length the key slices are made for when they grow
	// (see reserve).
	capacity int
	// dropUnanswered says that trim also drops the oldest tiles that no
	// series answered for: those before the history Prometheus holds,
	// which the coarse run, reaching back the longest window, often has
	// (a new fleet, a retention shorter than the window). Sums are the
	// same without them; the fine run keeps its first tile, which decides
	// how windows are split between the runs.
	dropUnanswered bool
}

func newTileRun(step time.Duration) *tileRun {
	return &tileRun{step: step, vals: map[string][]float64{}}
}

// end is the end of the newest tile; the zero time when there is none.
func (r *tileRun) end() time.Time {
	if r.count == 0 {
		return time.Time{}
	}
	return r.first.Add(time.Duration(r.count) * r.step)
}

// reset drops every tile; the next append starts a new run.
func (r *tileRun) reset() {
	r.count = 0
	r.vals = map[string][]float64{}
}

// append adds the tile that ends at end. It must follow the newest tile, or
// start the run. Series absent from values get a NaN tile.
func (r *tileRun) append(end time.Time, values map[string]float64) {
	if r.count == 0 {
		r.first = end.Add(-r.step)
	}
	for k, v := range values {
		s, ok := r.vals[k]
		if !ok {
			s = r.room(nil, r.count+1)
			for range r.count {
				s = append(s, math.NaN())
			}
		}
		r.vals[k] = append(r.room(s, 1), v)
	}
	r.count++
	for k, s := range r.vals {
		if len(s) < r.count {
			r.vals[k] = append(r.room(s, 1), math.NaN())
		}
	}
}

// room returns s with room for n more tiles. A slice that has none is
// copied into one with a little more (a 32nd): trim keeps the room of the
// tiles it drops, so a run that appends a tile and drops one every step
// copies each key's tiles once, not every step, and holds no more than
// that 32nd beyond its tiles (append's own growth would leave a slice
// half empty).
func (r *tileRun) room(s []float64, n int) []float64 {
	need := len(s) + n
	if need <= cap(s) {
		return s
	}
	t := make([]float64, len(s), need+need/32+1)
	copy(t, s)
	return t
}

// trim drops tiles that end at or before keepFrom, and, with
// dropUnanswered, the oldest ones no series answered for.
func (r *tileRun) trim(keepFrom time.Time) {
	drop := int(keepFrom.Sub(r.first) / r.step)
	if r.dropUnanswered {
		drop = max(drop, r.unanswered())
	}
	if drop <= 0 {
		return
	}
	if drop >= r.count {
		r.reset()
		return
	}
	for k, s := range r.vals {
		// Moved to the front of the slice, not sliced off it, so that the
		// room of the tiles dropped takes the tiles appended next.
		s = s[:copy(s, s[drop:])]
		if !anyPresent(s) {
			delete(r.vals, k) // the series vanished before the run starts
			continue
		}
		if cap(s) > len(s)+len(s)/8+8 {
			// Far more room than tiles: give the room back.
			s = slices.Clone(s)
		}
		r.vals[k] = s
	}
	r.first = r.first.Add(time.Duration(drop) * r.step)
	r.count -= drop
}

// unanswered counts the oldest tiles no series answered for; 0 when no
// series answered any.
func (r *tileRun) unanswered() int {
	n := r.count
	for _, s := range r.vals {
		if i := slices.IndexFunc(s[:min(n, len(s))], answered); i >= 0 {
			if n = i; n == 0 {
				break
			}
		}
	}
	if n == r.count {
		return 0
	}
	return n
}

// sum adds the increases of a series over [from, to): whole tiles, and the
// covered fraction of a tile that from or to cuts. to must be a tile
// boundary within the run; from may be anywhere at or after first. present
// is false when no tile of the series in [from, to) was answered.
func (r *tileRun) sum(key string, from, to time.Time) (total float64, present bool) {
	s, ok := r.vals[key]
	if !ok || !from.Before(to) {
		return 0, false
	}
	lo := from.Sub(r.first)
	hi := to.Sub(r.first)
	i := int(lo / r.step)
	j := int(hi / r.step)
	if i < 0 {
		i, lo = 0, 0
	}
	if j > r.count {
		j = r.count
	}
	for k := i; k < j; k++ {
		if !math.IsNaN(s[k]) {
			total += s[k]
			present = true
		}
	}
	// The oldest tile is only partly inside the window: count its share,
	// as if its increase were spread evenly over it.
	if cut := lo - time.Duration(i)*r.step; cut > 0 && i < j && !math.IsNaN(s[i]) {
		total -= s[i] * float64(cut) / float64(r.step)
	}
	return total, present
}

// answered says whether a tile was answered.
func answered(v float64) bool { return !math.IsNaN(v) }

// anyPresent says whether any tile of a series was answered.
func anyPresent(s []float64) bool {
	for _, v := range s {
		if !math.IsNaN(v) {
			return true
		}
	}
	return false
}

// keys lists the series of the run.
func (r *tileRun) keys() []string {
	out := make([]string, 0, len(r.vals))
	for k := range r.vals {
		out = append(out, k)
	}
	return out
}

// tiles is the two-level tile store of one counter source.
type tiles struct {
	fine, coarse *tileRun
	// tails are the tiles that windows start in, read at the tail step.
	tails map[tailKey]*tailTile
	// tailsAnswered says a cycle answered the tiled windows' tails, so
	// that the next one reads a tile a tail enters at once (tails.go).
	tailsAnswered bool
	// coldAnswered says the source's tiled windows were answered with
	// increase() before it had tiles (Evaluator.coldStart).
	coldAnswered bool
}

func newTiles(fine, coarse time.Duration) *tiles {
	t := &tiles{fine: newTileRun(fine), coarse: newTileRun(coarse), tails: map[tailKey]*tailTile{}}
	t.coarse.dropUnanswered = true
	return t
}

// rollUp turns every complete coarse step of fine tiles after the newest
// coarse tile into a coarse tile.
func (t *tiles) rollUp() {
	for {
		start := t.coarse.end()
		if start.IsZero() {
			return
		}
		stop := start.Add(t.coarse.step)
		if t.fine.count == 0 || t.fine.first.After(start) || t.fine.end().Before(stop) {
			return
		}
		values := map[string]float64{}
		for _, k := range t.fine.keys() {
			if v, ok := t.fine.sum(k, start, stop); ok {
				values[k] = v
			}
		}
		t.coarse.append(stop, values)
	}
}

// window returns a series' increase over [from, fineEnd) from the tiles,
// using fine tiles where they reach and coarse ones before that.
func (t *tiles) window(key string, from time.Time) (total float64, present bool) {
	fineEnd := t.fine.end()
	if !from.Before(t.fine.first) || t.coarse.count == 0 {
		return t.fine.sum(key, from, fineEnd)
	}
	split := t.coarse.end()
	c, cok := t.coarse.sum(key, from, split)
	f, fok := t.fine.sum(key, split, fineEnd)
	return c + f, cok || fok
}
