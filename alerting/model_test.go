package alerting

// This file is a model-based test of the alert manager: random, seeded
// sequences of evaluations (burn, recovery, failed queries, missing data,
// SLOs added, changed and removed), deliveries that fail and are retried,
// and crashes between any two effects, run against the real bbolt store and
// checked against the promises burnwatch makes. A failing run prints its
// seed; replay it with
//
//	go test ./alerting -run TestModel -model.seed=SEED

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

var (
	modelSeed = flag.Uint64("model.seed", 0, "run only this seed of the model-based test")
	modelRuns = flag.Int("model.runs", 400, "number of seeded sequences the model-based test runs")
)

func TestModel(t *testing.T) {
	pool := modelSLOs(t)
	if *modelSeed != 0 {
		if err := runModel(t.TempDir(), *modelSeed, pool, map[string]int{}); err != nil {
			t.Fatalf("seed %d: %v", *modelSeed, err)
		}
		return
	}
	dir := t.TempDir()
	seen := map[string]int{}
	for i := range *modelRuns {
		seed := uint64(i + 1)
		if err := runModel(filepath.Join(dir, fmt.Sprint(seed)), seed, pool, seen); err != nil {
			t.Fatalf("seed %d: %v\nreplay: go test ./alerting -run TestModel -model.seed=%d", seed, err, seed)
		}
	}
	// The runs must have met what the promises are about.
	for _, want := range []string{"burn firing", "burn updated", "burn resolved escalated", "burn resolved slo_removed",
		"burn resolved recovered", "no_data firing", "no_data resolved recovered", "evaluation_failing firing", "crash", "failed commit", "duplicate", "routing changed"} {
		if seen[want] == 0 {
			t.Errorf("no run saw %q: the model does not exercise it", want)
		}
	}
	t.Logf("%d runs saw %v", *modelRuns, seen)
}

// modelSLOs are the SLOs a run draws from, each in two versions (a reload
// that changes its spec keeps its id).
func modelSLOs(t *testing.T) map[string][2]*slo.SLO {
	out := map[string][2]*slo.SLO{}
	for _, name := range []string{"a", "b", "c"} {
		v1, v2 := lifecycleSLO(t, name), lifecycleSLO(t, name)
		v2.Objective = 99.5
		out[v1.ID] = [2]*slo.SLO{v1, v2}
	}
	return out
}

// regime is what an SLO's evaluations say for a while.
type regime int

const (
	calm regime = iota
	burnTicket
	burnPage
	noData
	failing
)

// crashStore is the store with a crash between two effects: before the
// commit (the commit never happens) or after it (the process dies before
// it adopts its next state); or with a commit that fails and a process
// that goes on (a full disk). It records what was committed.
type crashStore struct {
	*Store
	crashBefore, crashAfter, fail bool
	committed                     map[string]*Notification // "receiver\x00notification id"
}

var errCrash = errors.New("crash")

func (c *crashStore) Commit(incidents []Incident, queue []*OutboxEntry) error {
	if c.crashBefore {
		return errCrash
	}
	if c.fail {
		return errors.New("no space left on device")
	}
	if err := c.Store.Commit(incidents, queue); err != nil {
		return err
	}
	for _, e := range queue {
		c.committed[e.Receiver+"\x00"+e.Notification.ID] = e.Notification
	}
	if c.crashAfter {
		return errCrash
	}
	return nil
}

type model struct {
	rng   *rand.Rand
	path  string
	pool  map[string][2]*slo.SLO
	store *crashStore
	m     *Manager
	// loaded is the spec set: SLO id → version; regimes what each says.
	loaded  map[string]int
	regimes map[string]regime
	// routing is the index of the routing in force in modelRouters.
	routing int
	// history is each cycle's evaluations, by time and SLO.
	history map[time.Time]map[string]burnrate.State
	// delivered is what each receiver received, in order, duplicates
	// included.
	delivered map[string][]*Notification
	// records is the furthest each delivery record has been seen.
	records   map[string]Delivery
	committed map[string]*Notification
	exemplars *modelExemplars
	seen      map[string]int
}

// modelRouters are the routings a reload switches between: pages to both
// receivers, or tickets to the on-call one.
var modelRouters = [2]Router{{
	Routes:  []Route{{Match: Match{Severities: []string{"page"}}, Receivers: []string{"oncall", "chat"}}},
	Default: []string{"chat"},
}, {
	Routes:  []Route{{Match: Match{Severities: []string{"ticket"}}, Receivers: []string{"oncall"}}},
	Default: []string{"chat"},
}}

// runModel runs one seeded sequence and counts in seen what it met.
func runModel(dir string, seed uint64, pool map[string][2]*slo.SLO, seen map[string]int) error {
	md := &model{
		rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), path: filepath.Join(dir, "alerts.db"), pool: pool,
		loaded: map[string]int{}, regimes: map[string]regime{}, history: map[time.Time]map[string]burnrate.State{},
		delivered: map[string][]*Notification{}, records: map[string]Delivery{}, committed: map[string]*Notification{},
		exemplars: &modelExemplars{}, seen: seen,
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for id := range pool {
		if md.rng.IntN(3) > 0 {
			md.loaded[id] = 0
		}
	}
	if err := md.start(); err != nil {
		return err
	}
	defer func() { md.store.Close() }()
	at := start
	for range 30 {
		at = at.Add(time.Minute)
		md.reload()
		if err := md.cycle(at); err != nil {
			return err
		}
		if err := md.deliver(3, true); err != nil {
			return err
		}
	}
	// Everything recovers; every incident must then be closed and every
	// notification delivered.
	for id := range md.loaded {
		md.regimes[id] = calm
	}
	for range 3 {
		at = at.Add(time.Minute)
		md.store.crashBefore, md.store.crashAfter, md.store.fail = false, false, false
		if err := md.process(at); err != nil {
			return err
		}
	}
	if err := md.deliver(1<<20, false); err != nil {
		return err
	}
	return md.check()
}

// start opens the store and a manager on it, as burnwatch does at start.
func (md *model) start() error {
	// The test's crashes are simulated, not power cuts: no fsync.
	store, err := openStore(md.path, &bbolt.Options{Timeout: time.Second, NoSync: true, NoGrowSync: true, NoFreelistSync: true})
	if err != nil {
		return err
	}
	md.store = &crashStore{Store: store, committed: md.committed}
	md.m, err = NewManager(ManagerOptions{
		Store: md.store, Router: modelRouters[md.routing], Exemplars: md.exemplars, RepeatInterval: 5 * time.Minute,
		FailingCycles: 2, NoDataAfter: 3 * time.Minute, Logger: slog.New(slog.DiscardHandler),
	})
	return err
}

func (md *model) restart() error {
	md.seen["crash"]++
	if err := md.store.Close(); err != nil {
		return err
	}
	return md.start()
}

// reload adds, changes or removes an SLO now and then.
func (md *model) reload() {
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range md.pool {
			if !yield(id) {
				return
			}
		}
	})
	id := ids[md.rng.IntN(len(ids))]
	switch n := md.rng.IntN(20); {
	case n == 0:
		delete(md.loaded, id)
	case n == 1:
		md.loaded[id] = md.rng.IntN(2)
	case n == 2:
		md.routing = 1 - md.routing
		md.m.SetRouting(modelRouters[md.routing], nil)
		md.seen["routing changed"]++
	}
}

// cycle evaluates once, maybe crashing around the commit.
func (md *model) cycle(at time.Time) error {
	for id := range md.loaded {
		if md.rng.IntN(4) == 0 {
			md.regimes[id] = regime(md.rng.IntN(5))
		}
	}
	md.exemplars.slow = md.rng.IntN(3) == 0
	crash := md.rng.IntN(12)
	md.store.crashBefore, md.store.crashAfter, md.store.fail = crash == 0, crash == 1, crash == 2
	err := md.process(at)
	if crash == 2 {
		md.seen["failed commit"]++
		return md.memoryEqualsDisk()
	}
	if crash <= 1 {
		// A cycle with nothing to commit does not reach the crash; the
		// process dies all the same.
		if err != nil && !errors.Is(err, errCrash) {
			return err
		}
		return md.restart()
	}
	if err != nil {
		return err
	}
	return md.memoryEqualsDisk()
}

func (md *model) process(at time.Time) error {
	var sts []burnrate.Status
	states := map[string]burnrate.State{}
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range md.loaded {
			if !yield(id) {
				return
			}
		}
	}) {
		e := eval{slo: md.pool[id][md.loaded[id]], state: burnrate.StateOK}
		switch md.regimes[id] {
		case burnTicket:
			e.firing = []slo.Severity{slo.Ticket}
		case burnPage:
			e.firing = []slo.Severity{slo.Page, slo.Ticket}
		case noData:
			e.state = burnrate.StateNoData
		case failing:
			e.state = burnrate.StateError
		}
		states[id] = e.state
		st := e.status(at)
		sts = append(sts, st)
	}
	md.history[at] = states
	return md.m.Process(context.Background(), burnrate.Result{At: at, Statuses: sts})
}

// deliver sends up to n queued notifications per receiver, in order; with
// faults, some attempts fail and are retried and some deliveries crash
// between the send and its record (the notification is then sent again:
// at least once).
func (md *model) deliver(n int, faults bool) error {
	for _, r := range []string{"chat", "oncall"} {
		for range n {
			e, err := md.store.Head(r)
			if err != nil {
				return err
			}
			if e == nil {
				break
			}
			if faults && md.rng.IntN(8) == 0 {
				e.Attempts++
				e.LastError = "503 Service Unavailable"
				if err := md.store.Retry(e); err != nil {
					return err
				}
				continue
			}
			md.delivered[r] = append(md.delivered[r], e.Notification)
			if faults && md.rng.IntN(30) == 0 {
				if err := md.restart(); err != nil {
					return err
				}
				continue
			}
			e.Attempts++
			if err := md.store.Finish(e, DeliverySent, start); err != nil {
				return err
			}
		}
	}
	return md.recordsForward()
}

// modelExemplars has a slow trace for every SLO in some cycles.
type modelExemplars struct{ slow bool }

func (e *modelExemplars) QueryExemplars(_ context.Context, _ string, start, end time.Time) ([]ExemplarSeries, error) {
	if !e.slow {
		return nil, nil
	}
	return []ExemplarSeries{{SeriesLabels: map[string]string{"status_code": "STATUS_CODE_UNSET"}, Exemplars: []Exemplar{
		{Labels: map[string]string{"trace_id": fmt.Sprint(end.Unix())}, Value: 5000, At: end},
	}}}, nil
}
