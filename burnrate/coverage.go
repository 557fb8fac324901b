package burnrate

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/common/model"
)

// A young Prometheus (or a new service) has less history than the long
// windows and the period. A budget summed over two hours is not a 30-day
// budget: each window and the budget say how much of their span the data
// covers. Where each SLO's valid-events series begin is looked up once per
// source, for all its readers at once, and kept: the start of history does
// not move. The lookup is the earliest sample's timestamp, first to within
// a coarse step, then exactly around the few instants the first pass found.
// A reader with no series yet is asked again after recheckHistory, over the
// span since it was last asked only.

// recheckHistory is how long a reader with no series waits before its
// history start is looked up again.
const recheckHistory = 5 * time.Minute

// maxRefine bounds the exact passes of one lookup; readers whose coarse
// start is not among them keep the coarse one, which errs on the side of
// covering less.
const maxRefine = 4

// historyStart is where a reader's series begin, as far as is known.
type historyStart struct {
	// earliest is the first sample's time; zero when none was found.
	earliest time.Time
	// checked is when the lookup ran.
	checked time.Time
}

// historyStarts are the history starts an evaluator has found, by source
// id and key.
type historyStarts struct {
	mu     sync.Mutex
	starts map[string]map[string]historyStart
}

func (h *historyStarts) get(src *source, key string) (historyStart, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.starts[src.id][key]
	return s, ok
}

func (h *historyStarts) set(src *source, key string, s historyStart) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.starts[src.id] == nil {
		h.starts[src.id] = map[string]historyStart{}
	}
	h.starts[src.id][key] = s
}

// keep drops what is known of sources no SLO reads any more.
func (h *historyStarts) keep(sources []*source) {
	live := map[string]bool{}
	for _, src := range sources {
		live[src.id] = true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for id := range h.starts {
		if !live[id] {
			delete(h.starts, id)
		}
	}
}

// due says whether a reader's history start must be looked up at `at`.
func (h *historyStarts) due(src *source, key string, at time.Time) bool {
	s, ok := h.get(src, key)
	return !ok || (s.earliest.IsZero() && at.Sub(s.checked) >= recheckHistory)
}

// historyJobs returns this cycle's lookups: one per valid-events source
// with a reader whose start is not known.
func (e *Evaluator) historyJobs(ctx context.Context, q Querier, p *plan, at time.Time) []func() {
	type need struct {
		span time.Duration
		keys []string
	}
	needs := map[*source]*need{}
	var order []*source
	for _, sp := range p.slos {
		if sp.valid == nil || sp.valid.src.series == "" || !e.history.due(sp.valid.src, sp.valid.key, at) {
			continue
		}
		n, ok := needs[sp.valid.src]
		if !ok {
			n = &need{}
			needs[sp.valid.src] = n
			order = append(order, sp.valid.src)
		}
		span := slices.Max(sp.windows)
		if h, ok := e.history.get(sp.valid.src, sp.valid.key); ok {
			// No series at the last lookup: they can only have begun since.
			span = min(span, at.Sub(h.checked)+lookback)
		}
		n.span = max(n.span, span)
		n.keys = append(n.keys, sp.valid.key)
	}
	jobs := make([]func(), 0, len(order))
	for _, src := range order {
		n := needs[src]
		jobs = append(jobs, func() {
			found, err := lookupHistoryStarts(ctx, q, src, n.span, at)
			if err != nil {
				return // asked again next cycle; coverage stays unknown meanwhile
			}
			for _, k := range n.keys {
				e.history.set(src, k, historyStart{earliest: found[k], checked: at})
			}
		})
	}
	return jobs
}

// historyStep is the finest step of a history-start lookup. timestamp() at
// a step answers the last sample at or before it, so the first step after
// history begins answers a sample less than a step after the first one:
// starts are found to within historyStep.
const historyStep = time.Minute

// lookupHistoryStarts finds, for each key of src, the first sample within
// span before at, to within historyStep: a coarse pass at span/360, then
// passes at historyStep around the instants it found.
func lookupHistoryStarts(ctx context.Context, q Querier, src *source, span time.Duration, at time.Time) (map[string]time.Time, error) {
	coarse := max((span / 360).Truncate(time.Minute), historyStep)
	found, err := earliestSamples(ctx, q, src, span, coarse, at)
	if err != nil || coarse == historyStep {
		return found, err
	}
	// Readers that began together (the usual case: Prometheus started)
	// share one instant; refine the most shared ones.
	count := map[time.Time]int{}
	for _, t := range found {
		count[t]++
	}
	instants := make([]time.Time, 0, len(count))
	for t := range count {
		instants = append(instants, t)
	}
	slices.SortFunc(instants, func(a, b time.Time) int { return count[b] - count[a] })
	for _, t := range instants[:min(len(instants), maxRefine)] {
		exact, err := earliestSamples(ctx, q, src, coarse+lookback, historyStep, t)
		if err != nil {
			return found, nil // the coarse starts stand
		}
		for k, v := range exact {
			if found[k].Equal(t) && !v.After(t) {
				found[k] = v
			}
		}
	}
	return found, nil
}

// earliestSamples runs min by (keys) (min_over_time(timestamp(series)[span:step]))
// at `at`.
func earliestSamples(ctx context.Context, q Querier, src *source, span, step time.Duration, at time.Time) (map[string]time.Time, error) {
	grouping := ""
	if len(src.by) > 0 {
		grouping = " by (" + src.grouping() + ")"
	}
	expr := "min" + grouping + " (min_over_time(timestamp(" + src.series + ")[" + FormatWindow(span) + ":" + FormatWindow(step) + "]))"
	vec, err := q.Query(ctx, expr, at)
	if err != nil {
		return nil, err
	}
	out := make(map[string]time.Time, len(vec))
	for _, s := range vec {
		v := float64(s.Value)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		out[src.key(s.Metric)] = model.TimeFromUnixNano(int64(math.Round(v*1e3) * 1e6)).Time()
	}
	return out, nil
}

// applyCoverage says in a status how much of each window and of the period
// the SLO's valid-events series cover.
func (e *Evaluator) applyCoverage(sp *sloPlan, st *Status, at time.Time) {
	if st.State == StateError || sp.valid == nil || sp.valid.src.series == "" {
		return
	}
	h, ok := e.history.get(sp.valid.src, sp.valid.key)
	if !ok || h.earliest.IsZero() {
		return
	}
	span := max(at.Sub(h.earliest), 0)
	for i := range st.Windows {
		st.Windows[i].Covered = min(st.Windows[i].Window, span)
	}
	period := at.Sub(st.Budget.PeriodStart)
	if st.SLO.Period.Calendar == "" {
		period = st.SLO.Period.Rolling
	}
	st.Budget.Covered = min(period, span)
}
