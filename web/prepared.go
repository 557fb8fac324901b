package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"slices"
	"sync"
	"sync/atomic"
)

// The overview and /api/v1/slos of a few thousand SLOs took a few hundred
// milliseconds a request: each one built, sorted and rendered every row,
// and encoded every SLO, though none of it changes until the next cycle.
// They are now prepared once per snapshot: the overview's rows sorted
// worst first, each with its table row and firing-banner entry rendered,
// and each SLO's JSON. A request filters and groups the prepared rows,
// renders the little around them (summary, filter, group heads, the
// layout's age) and copies the rest. Dashboard.Prepare starts the work when the daemon publishes a
// snapshot, so that requests do not wait for it.

// prepared is what is rendered once for one snapshot. Each part is built
// on its first use.
type prepared struct {
	snap *Snapshot

	overviewOnce sync.Once
	overview     *preparedOverview
	apiOnce      sync.Once
	api          *preparedAPI

	// overviewUsed and apiUsed say that a request read the part: the
	// next snapshot's is prepared ahead.
	overviewUsed, apiUsed atomic.Bool
}

// preparedOverview is every SLO's overview row, worst first (worstFirst),
// and what the overview's filter offers.
type preparedOverview struct {
	rows            []row
	teams, services []string
	// err is the failure to render a row: the overview answers 500.
	err error
}

// preparedAPI is the JSON of /api/v1/slos in parts: evaluated_at, and
// each SLO in the snapshot's order.
type preparedAPI struct {
	at    []byte
	atErr error
	slos  [][]byte
	errs  []error // errs[i] is the failure to encode slos[i], if any
}

// preparedFor returns the prepared parts of snap, new ones for a new
// snapshot, which take over which parts were used.
func (s *server) preparedFor(snap *Snapshot) *prepared {
	s.prepMu.Lock()
	defer s.prepMu.Unlock()
	p := s.prep
	if p == nil || p.snap != snap {
		p = &prepared{snap: snap}
		s.prep = p
	}
	return p
}

// prepare builds, for the current snapshot, the parts that requests read
// from the last one.
func (s *server) prepare() {
	snap := s.snapshot()
	if snap == nil {
		return
	}
	s.prepMu.Lock()
	last := s.prep
	s.prepMu.Unlock()
	if last == nil || last.snap == snap {
		return
	}
	p := s.preparedFor(snap)
	if last.overviewUsed.Load() {
		s.overviewOf(p)
	}
	if last.apiUsed.Load() {
		apiOf(p)
	}
}

// overviewOf returns the prepared overview of p, building it first.
func (s *server) overviewOf(p *prepared) *preparedOverview {
	p.overviewOnce.Do(func() { p.overview = s.prepareOverview(p.snap) })
	return p.overview
}

func (s *server) prepareOverview(snap *Snapshot) *preparedOverview {
	ov := &preparedOverview{rows: make([]row, 0, len(snap.Statuses))}
	teams, services := map[string]bool{}, map[string]bool{}
	for i := range snap.Statuses {
		st := &snap.Statuses[i]
		teams[st.SLO.Team], services[st.SLO.Service] = true, true
		ov.rows = append(ov.rows, s.newRow(snap, st))
	}
	ov.teams, ov.services = sortedKeys(teams), sortedKeys(services)
	slices.SortFunc(ov.rows, worstFirst)
	t := s.pages.byName["overview"]
	var buf bytes.Buffer
	for i := range ov.rows {
		r := &ov.rows[i]
		buf.Reset()
		if err := t.ExecuteTemplate(&buf, "overviewrow", r); err != nil {
			ov.err = fmt.Errorf("render the overview row of %s: %w", r.ID, err)
			return ov
		}
		r.HTML = template.HTML(buf.String())
		if r.Health != healthPage && r.Health != healthTicket {
			continue
		}
		buf.Reset()
		if err := t.ExecuteTemplate(&buf, "overviewfiring", r); err != nil {
			ov.err = fmt.Errorf("render the firing entry of %s: %w", r.ID, err)
			return ov
		}
		r.FiringHTML = template.HTML(buf.String())
	}
	return ov
}

// apiOf returns the prepared API answer of p, building it first.
func apiOf(p *prepared) *preparedAPI {
	p.apiOnce.Do(func() { p.api = prepareAPI(p.snap) })
	return p.api
}

func prepareAPI(snap *Snapshot) *preparedAPI {
	a := &preparedAPI{slos: make([][]byte, len(snap.Statuses)), errs: make([]error, len(snap.Statuses))}
	a.at, a.atErr = json.Marshal(snap.At.UTC())
	for i := range snap.Statuses {
		a.slos[i], a.errs[i] = json.Marshal(newSLOJSON(snap, &snap.Statuses[i]))
	}
	return a
}
