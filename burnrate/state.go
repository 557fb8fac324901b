package burnrate

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"time"
)

// The state an evaluator keeps between cycles (the tiles of every counter
// source and where each SLI's history begins) can be written out and read
// back, so that a restarted daemon queries only what it missed while down.
// The format is a magic string and a version, then records, each its
// length, a CRC-32C and a gob value: a header (who wrote it, for which
// Prometheus, with which tile lengths), one record per source, and an end
// record that counts them, so that a truncated file is told from a short
// one. Reading checks everything before it replaces anything: a file that
// fails any check leaves the evaluator as it was, and the caller rebuilds.

// stateMagic opens a state file; the byte after it is the format version.
const (
	stateMagic   = "burnwatch-tiles\n"
	stateVersion = 1
	// maxRecord bounds one record, so that a damaged length cannot ask for
	// an absurd allocation.
	maxRecord = 1 << 30
)

var stateCRC = crc32.MakeTable(crc32.Castagnoli)

type stateHeader struct {
	Origin           string
	FineTile, Coarse time.Duration
	WrittenAt        time.Time
	Sources          int
}

type runState struct {
	Step  time.Duration
	First time.Time
	Count int
	Keys  []string
	Vals  [][]float64
}

type sourceState struct {
	ID           string
	Fine, Coarse *runState
	Starts       map[string]startState
}

// startState is a historyStart as written.
type startState struct{ Earliest, Checked time.Time }

type stateEnd struct{ Records int }

// WriteState writes the evaluator's tiles and history starts to w. origin
// names the Prometheus they were read from; ReadState refuses state from
// another. It must not run while a cycle does.
func (e *Evaluator) WriteState(w io.Writer, origin string, now time.Time) error {
	e.history.mu.Lock()
	defer e.history.mu.Unlock()
	ids := map[string]bool{}
	for id := range e.tiles {
		ids[id] = true
	}
	for id := range e.history.starts {
		ids[id] = true
	}
	if _, err := io.WriteString(w, stateMagic+string(rune(stateVersion))); err != nil {
		return fmt.Errorf("write tile state: %w", err)
	}
	records := 0
	put := func(v any) error {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(v); err != nil {
			return err
		}
		var head [8]byte
		binary.LittleEndian.PutUint32(head[:4], uint32(buf.Len()))
		binary.LittleEndian.PutUint32(head[4:], crc32.Checksum(buf.Bytes(), stateCRC))
		records++
		if _, err := w.Write(head[:]); err != nil {
			return err
		}
		_, err := w.Write(buf.Bytes())
		return err
	}
	if err := put(stateHeader{Origin: origin, FineTile: e.opts.FineTile, Coarse: e.opts.CoarseTile, WrittenAt: now, Sources: len(ids)}); err != nil {
		return fmt.Errorf("write tile state: %w", err)
	}
	for id := range ids {
		s := sourceState{ID: id}
		for k, h := range e.history.starts[id] {
			if s.Starts == nil {
				s.Starts = map[string]startState{}
			}
			s.Starts[k] = startState{Earliest: h.earliest, Checked: h.checked}
		}
		if t, ok := e.tiles[id]; ok {
			s.Fine, s.Coarse = t.fine.state(), t.coarse.state()
		}
		if err := put(s); err != nil {
			return fmt.Errorf("write tile state of %s: %w", id, err)
		}
	}
	if err := put(stateEnd{Records: records + 1}); err != nil {
		return fmt.Errorf("write tile state: %w", err)
	}
	return nil
}

func (r *tileRun) state() *runState {
	s := &runState{Step: r.step, First: r.first, Count: r.count}
	for k, v := range r.vals {
		s.Keys = append(s.Keys, k)
		s.Vals = append(s.Vals, v)
	}
	return s
}

// ReadState replaces the evaluator's tiles and history starts with those
// read from r, after checking them all: the format, every record's
// checksum, the origin, the tile lengths and each run's shape. On an error
// the evaluator is unchanged. It must not run while a cycle does.
func (e *Evaluator) ReadState(r io.Reader, origin string) error {
	tiles, starts, err := e.readState(r, origin)
	if err != nil {
		return fmt.Errorf("read tile state: %w", err)
	}
	e.history.mu.Lock()
	defer e.history.mu.Unlock()
	e.tiles, e.history.starts = tiles, starts
	return nil
}

func (e *Evaluator) readState(r io.Reader, origin string) (map[string]*tiles, map[string]map[string]historyStart, error) {
	magic := make([]byte, len(stateMagic)+1)
	if _, err := io.ReadFull(r, magic); err != nil || string(magic[:len(stateMagic)]) != stateMagic {
		return nil, nil, errors.New("not a burnwatch tile state file")
	}
	if v := magic[len(stateMagic)]; v != stateVersion {
		return nil, nil, fmt.Errorf("format version %d, this burnwatch reads version %d", v, stateVersion)
	}
	records := 0
	get := func(v any) error {
		var head [8]byte
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return fmt.Errorf("record %d: %w", records, endsEarly(err))
		}
		n := binary.LittleEndian.Uint32(head[:4])
		if n > maxRecord {
			return fmt.Errorf("record %d: length %d is too long", records, n)
		}
		// Grown as the bytes arrive: a damaged length cannot allocate more
		// than the file holds.
		var b bytes.Buffer
		if _, err := io.CopyN(&b, r, int64(n)); err != nil {
			return fmt.Errorf("record %d: %w", records, endsEarly(err))
		}
		buf := b.Bytes()
		if crc32.Checksum(buf, stateCRC) != binary.LittleEndian.Uint32(head[4:]) {
			return fmt.Errorf("record %d: checksum mismatch", records)
		}
		records++
		if err := gob.NewDecoder(bytes.NewReader(buf)).Decode(v); err != nil {
			return fmt.Errorf("record %d: %w", records-1, err)
		}
		return nil
	}
	var h stateHeader
	if err := get(&h); err != nil {
		return nil, nil, err
	}
	if h.Origin != origin {
		return nil, nil, fmt.Errorf("written for %q, not %q", h.Origin, origin)
	}
	if h.FineTile != e.opts.FineTile || h.Coarse != e.opts.CoarseTile {
		return nil, nil, fmt.Errorf("tiles of %s and %s, this evaluator uses %s and %s", h.FineTile, h.Coarse, e.opts.FineTile, e.opts.CoarseTile)
	}
	tiles := map[string]*tiles{}
	starts := map[string]map[string]historyStart{}
	for range h.Sources {
		var s sourceState
		if err := get(&s); err != nil {
			return nil, nil, err
		}
		for k, h := range s.Starts {
			if starts[s.ID] == nil {
				starts[s.ID] = map[string]historyStart{}
			}
			starts[s.ID][k] = historyStart{earliest: h.Earliest, checked: h.Checked}
		}
		if s.Fine == nil && s.Coarse == nil {
			continue
		}
		t, err := e.tilesOf(s, h.WrittenAt)
		if err != nil {
			return nil, nil, fmt.Errorf("source %s: %w", s.ID, err)
		}
		tiles[s.ID] = t
	}
	var end stateEnd
	if err := get(&end); err != nil {
		return nil, nil, err
	}
	if end.Records != records {
		return nil, nil, fmt.Errorf("%d records, the end record counts %d", records, end.Records)
	}
	return tiles, starts, nil
}

// endsEarly says that a file that ends before its last record was cut.
func endsEarly(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// tilesOf checks a source's runs and turns them into tiles: each run of
// its own tile length, aligned to it, ending before the state was written,
// with a value per tile for every key, and the coarse run ending where the
// fine one covers.
func (e *Evaluator) tilesOf(s sourceState, written time.Time) (*tiles, error) {
	t := newTiles(e.opts.FineTile, e.opts.CoarseTile)
	for _, p := range []struct {
		run   *tileRun
		state *runState
	}{{t.fine, s.Fine}, {t.coarse, s.Coarse}} {
		st := p.state
		if st == nil {
			return nil, errors.New("a tile run is missing")
		}
		if st.Step != p.run.step || st.Count < 0 || len(st.Keys) != len(st.Vals) {
			return nil, fmt.Errorf("a run of %s tiles does not fit %s tiles", st.Step, p.run.step)
		}
		if st.Count > 0 && !st.First.Truncate(st.Step).Equal(st.First) {
			return nil, fmt.Errorf("%s tiles start at %s, off their grid", st.Step, st.First)
		}
		if end := st.First.Add(time.Duration(st.Count) * st.Step); st.Count > 0 && end.After(written) {
			return nil, fmt.Errorf("%s tiles end at %s, after the state was written at %s", st.Step, end, written)
		}
		p.run.first, p.run.count = st.First, st.Count
		for i, k := range st.Keys {
			v := st.Vals[i]
			if len(v) != st.Count {
				return nil, fmt.Errorf("%s tiles: %d values for %d tiles", st.Step, len(v), st.Count)
			}
			for _, x := range v {
				if math.IsInf(x, 0) {
					return nil, fmt.Errorf("%s tiles: an infinite value", st.Step)
				}
			}
			p.run.vals[k] = v
		}
	}
	if t.coarse.count > 0 && t.fine.count > 0 && (t.coarse.end().Before(t.fine.first) || t.coarse.end().After(t.fine.end())) {
		return nil, fmt.Errorf("coarse tiles end at %s, outside the fine tiles [%s, %s]", t.coarse.end(), t.fine.first, t.fine.end())
	}
	return t, nil
}
