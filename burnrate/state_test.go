package burnrate_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

const stateOrigin = "http://127.0.0.1:9090"

// stateFixture is an engine with two days of traffic, an evaluator that
// ran a day of cycles on it, and what it wrote.
func stateFixture(t *testing.T) (burnrate.Querier, []*slo.SLO, *burnrate.Evaluator, []byte, time.Time) {
	t.Helper()
	minutes := 2 * 24 * 60
	eng := newEngine(t, errorSeries(minutes, incident(steady(100, 0.001), minutes-300, minutes-240, 0.05))+latencySeries(minutes, steady(100, 0.002)))
	slos := []*slo.SLO{loadSLO(t, errorsSpec), loadSLO(t, latencySpec)}
	ev := burnrate.NewEvaluator(burnrate.Options{})
	at := epoch.Add(time.Duration(minutes-400) * time.Minute)
	for ; at.Before(epoch.Add(time.Duration(minutes-200) * time.Minute)); at = at.Add(10 * time.Minute) {
		ev.Evaluate(context.Background(), eng, slos, at)
	}
	var buf bytes.Buffer
	if err := ev.WriteState(&buf, stateOrigin, at); err != nil {
		t.Fatal(err)
	}
	return eng, slos, ev, buf.Bytes(), at
}

func TestARestoredEvaluatorQueriesOnlyWhatItMissed(t *testing.T) {
	eng, slos, running, state, at := stateFixture(t)
	restored := burnrate.NewEvaluator(burnrate.Options{})
	if err := restored.ReadState(bytes.NewReader(state), stateOrigin); err != nil {
		t.Fatal(err)
	}
	// Down for 40 minutes.
	at = at.Add(40 * time.Minute)
	ctx := context.Background()
	gotQ, freshQ := &countingEngine{q: eng}, &countingEngine{q: eng}
	// All three query increase() for their short windows, so that their
	// queries compare.
	want := running.Evaluate(ctx, queriesOnly{eng}, slos, at)
	got := restored.Evaluate(ctx, gotQ, slos, at)
	fresh := burnrate.NewEvaluator(burnrate.Options{}).Evaluate(ctx, freshQ, slos, at)
	for i := range want.Statuses {
		w, g := want.Statuses[i], got.Statuses[i]
		if g.State != w.State || !closeTo(g.Budget.Remaining, w.Budget.Remaining) || g.Budget.Covered != w.Budget.Covered {
			t.Errorf("%s restored: %s, budget %v over %s; running: %s, budget %v over %s", g.SLO.ID, g.State, g.Budget.Remaining, g.Budget.Covered, w.State, w.Budget.Remaining, w.Budget.Covered)
		}
		for j := range w.Windows {
			if !closeTo(g.Windows[j].Valid, w.Windows[j].Valid) || !closeTo(g.Windows[j].Good, w.Windows[j].Good) {
				t.Errorf("%s over %s restored: %+v; running: %+v", g.SLO.ID, burnrate.FormatWindow(w.Windows[j].Window), g.Windows[j], w.Windows[j])
			}
		}
	}
	t.Logf("restored: %d queries, %d points; new: %d queries, %d points", got.Queries, gotQ.points.Load(), fresh.Queries, freshQ.points.Load())
	// A new evaluator reads every tile again; the restored one the tiles
	// of the 40 minutes it missed, its windows' tails and its short windows.
	if got.Queries > want.Queries+8 || gotQ.points.Load()*5 > freshQ.points.Load() {
		t.Errorf("restored evaluator sent %d queries answered by %d points; the running one %d queries, a new one %d answered by %d points",
			got.Queries, gotQ.points.Load(), want.Queries, fresh.Queries, freshQ.points.Load())
	}
}

func TestAStateFileThatFailsACheckIsRefusedAndChangesNothing(t *testing.T) {
	eng, slos, _, state, at := stateFixture(t)
	flip := func(i int) []byte {
		b := bytes.Clone(state)
		b[i] ^= 0x40
		return b
	}
	tests := []struct {
		name   string
		data   []byte
		origin string
		opts   burnrate.Options
		want   string
	}{
		{"A file of something else is not a state file.", []byte("alerts:\n  - name: x\n"), stateOrigin, burnrate.Options{}, "not a burnwatch tile state file"},
		{"An empty file is not a state file.", nil, stateOrigin, burnrate.Options{}, "not a burnwatch tile state file"},
		{"Another format version is refused.", append([]byte("burnwatch-tiles\n\x02"), state[17:]...), stateOrigin, burnrate.Options{}, "format version 2"},
		{"A flipped bit in a record fails its checksum.", flip(len(state) / 2), stateOrigin, burnrate.Options{}, "checksum mismatch"},
		{"A truncated file misses records.", state[:len(state)-20], stateOrigin, burnrate.Options{}, "unexpected EOF"},
		{"State from another Prometheus is refused.", state, "http://127.0.0.1:9091", burnrate.Options{}, "written for"},
		{"State with other tile lengths is refused.", state, stateOrigin, burnrate.Options{FineTile: 10 * time.Minute}, "tiles of 5m0s and 1h0m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := burnrate.NewEvaluator(tt.opts)
			err := ev.ReadState(bytes.NewReader(tt.data), tt.origin)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ReadState: %v, want an error saying %q", err, tt.want)
			}
			// Nothing was restored: the first cycle builds every tile.
			res := ev.Evaluate(context.Background(), eng, slos, at.Add(time.Minute))
			fresh := burnrate.NewEvaluator(tt.opts).Evaluate(context.Background(), eng, slos, at.Add(time.Minute))
			if res.Queries != fresh.Queries {
				t.Errorf("after a refused file the cycle sent %d queries, a new evaluator %d", res.Queries, fresh.Queries)
			}
		})
	}
}
