package burnrate

import (
	"context"
	"time"
)

// windowsFromTiles brings a source's tiles up to date and answers the tiled
// windows as head + whole tiles + tail: the head is the increase from the
// newest tile's end until now, the tail the increase from the window's start
// to the first tile boundary inside it. The head is computed each cycle
// (from raw samples where the source keeps them, else queried), the tail
// from the tile it falls in (tails.go); both span less than a tile.
func (e *Evaluator) windowsFromTiles(ctx context.Context, q Querier, src *source, t *tiles, recent *recentSamples, windows []time.Duration, at time.Time, ans *answers) error {
	fineEnd := at.Add(-e.opts.Settle).Truncate(e.opts.FineTile)
	longest := windows[len(windows)-1]
	if err := e.updateTiles(ctx, q, src, t, recent, fineEnd, longest); err != nil {
		return err
	}
	head, err := e.head(ctx, q, src, recent, fineEnd, at)
	if err != nil {
		return err
	}
	// After a cycle that answered the tails, the tiles are warm: a tail
	// entering a new tile reads it now instead of querying itself first.
	// (A cycle whose tails all start on tile boundaries keeps no tile,
	// and the next must not take the evaluator for a cold one.)
	warm := t.tailsAnswered
	// The tiles' keys and the head's are the same for every window: listed
	// once, and only a tail's own keys added to them.
	keys, known := unionKeys(t, head)
	for i, w := range windows {
		from := at.Add(-w)
		step := e.opts.FineTile
		if from.Before(t.fine.first) {
			step = e.opts.CoarseTile
		}
		boundary := from.Truncate(step)
		if boundary.Before(from) {
			boundary = boundary.Add(step)
		}
		// The windows' tails enter new tiles at once; each reads ahead
		// to its own grid (recent_tiles.go), so that they read at
		// different cycles, and none in the cycle coarse tails enter new
		// tiles.
		phase := time.Duration(2*(i%tailPhases)+1) * (tailReadAhead / (2 * tailPhases))
		tail, err := e.tail(ctx, q, src, t, recent, from, boundary, step, at, warm, phase)
		if err != nil {
			return err
		}
		vals := make(map[string]float64, len(keys))
		sum := func(k string) {
			v, ok := t.window(k, boundary)
			h, hok := head[k]
			tl, tok := tail[k]
			if ok || hok || tok {
				vals[k] = v + h + tl
			}
		}
		for _, k := range keys {
			sum(k)
		}
		for k := range tail {
			if !known[k] {
				sum(k)
			}
		}
		ans.set(src, w, vals)
	}
	t.forgetUnusedTails(at)
	t.tailsAnswered = true
	return nil
}

// diff queries a counter source's increase over [from, to] at `at`.
func (e *Evaluator) diff(ctx context.Context, q Querier, src *source, from, to, at time.Time) (map[string]float64, error) {
	if !from.Before(to) {
		return map[string]float64{}, nil
	}
	expr := src.diffQuery(to.Sub(from), at.Sub(to))
	vec, err := q.Query(ctx, expr, at)
	if err != nil {
		return nil, err
	}
	return vectorValues(src, vec, expr)
}

// unionKeys lists the keys of a source's tiles and of extra, each once,
// and returns the set of them too.
func unionKeys(t *tiles, extra ...map[string]float64) ([]string, map[string]bool) {
	n := max(len(t.fine.vals), len(t.coarse.vals))
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for _, run := range []*tileRun{t.fine, t.coarse} {
		for k := range run.vals {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	for _, m := range extra {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out, seen
}
