package daemon

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
)

// The evaluator's tiles live in the data directory, so that a restart reads
// from Prometheus only what it missed while down. The file is written
// whole beside the old one and renamed over it, every tileSaveEvery of
// evaluation time and at shutdown. A file that cannot be read back (damaged,
// foreign, from another version or another Prometheus) is logged as an
// error and the tiles are rebuilt from Prometheus, as on a first start.

// tileStateFile is the tile state's name in the data directory.
const tileStateFile = "tiles.state"

// tileSaveEvery is how often, in evaluation time, the tiles are written:
// once per fine tile, the most a restart then reads again.
const tileSaveEvery = 5 * time.Minute

// newEvaluator returns an evaluator whose kept tails follow the evaluation
// interval, and whose first cycle answers the long windows before it
// builds their tiles.
func newEvaluator(cfg *Config) *burnrate.Evaluator {
	return burnrate.NewEvaluator(burnrate.Options{TailStep: time.Duration(cfg.EvaluationInterval), AnswerBeforeTiles: true})
}

// tileState loads and saves one evaluator's tiles.
type tileState struct {
	path   string
	origin string
	// saved is the evaluation instant of the last write.
	saved time.Time
}

func newTileState(cfg *Config) *tileState {
	return &tileState{path: filepath.Join(cfg.DataDir, tileStateFile), origin: cfg.Prometheus.URL}
}

// restore reads the tiles into ev. A missing file is a first start; any
// other problem is logged and leaves ev empty, to be rebuilt.
func (ts *tileState) restore(d *Daemon, ev *burnrate.Evaluator) {
	f, err := os.Open(ts.path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err == nil {
		defer f.Close()
		err = ev.ReadState(bufio.NewReaderSize(f, 1<<20), ts.origin)
	}
	if err != nil {
		d.log.Error("tile state not restored; rebuilding the tiles from Prometheus", "path", ts.path, "err", err)
		return
	}
	d.log.Info("tile state restored", "path", ts.path)
}

// due says whether the tiles should be written after the cycle at `at`.
func (ts *tileState) due(at time.Time) bool {
	return ts.saved.IsZero() || at.Sub(ts.saved) >= tileSaveEvery || at.Before(ts.saved)
}

// save writes ev's tiles atomically: to a temporary file in the data
// directory, synced, then renamed over the old file. A failure is logged;
// the old file stays.
func (ts *tileState) save(d *Daemon, ev *burnrate.Evaluator, at time.Time) {
	start := time.Now()
	if err := ts.write(ev, at); err != nil {
		d.log.Warn("tile state not saved", "path", ts.path, "err", err)
		return
	}
	ts.saved = at
	d.log.Debug("tile state saved", "path", ts.path, "took", time.Since(start).Round(time.Millisecond))
}

func (ts *tileState) write(ev *burnrate.Evaluator, at time.Time) (err error) {
	dir := filepath.Dir(ts.path)
	tmp, err := os.CreateTemp(dir, tileStateFile+".*")
	if err != nil {
		return fmt.Errorf("create temporary tile state: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := ev.WriteState(w, ts.origin, at); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), ts.path); err != nil {
		return fmt.Errorf("rename %s to %s: %w", tmp.Name(), ts.path, err)
	}
	if dirf, err := os.Open(dir); err == nil {
		dirf.Sync() // the rename itself survives a crash
		dirf.Close()
	}
	return nil
}

// saveTilesAtShutdown writes the tiles once the loop has stopped.
func (d *Daemon) saveTilesAtShutdown() {
	d.cycle.Lock()
	defer d.cycle.Unlock()
	d.mu.Lock()
	ev := d.evaluator
	d.mu.Unlock()
	d.tileState.save(d, ev, time.Now())
}
