package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/exemplar"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/timestamp"
	"github.com/prometheus/prometheus/storage"
)

// Sample spacing: live every few seconds; history one sample a minute as far
// back as the longest alert window (3 days) reaches during the script, so
// that windows starting at any instant find a sample within a minute, and
// every ten minutes before that (on the hour too, where the evaluator's
// hourly tiles look), except around the past incidents: one a minute from
// an hour before each until its alerts are over (pastAlerts after it), so
// that a replay of the history (burnwatch backtest) pages and tickets on
// them as the daemon would have.
const (
	liveStep        = 5 * time.Second
	recentStep      = time.Minute
	oldStep         = 10 * time.Minute
	historyLength   = 30*day + time.Hour
	recentHistory   = 3*day + 2*time.Hour
	exemplarHistory = 6 * time.Hour
	// pastAlerts is how long the alerts of a past incident last at most
	// after it ends: the 6h window of the 3d/6h ticket rule, and margin.
	pastAlerts = 7 * time.Hour
	// maxSampled bounds the slow (and the failed) requests of one step
	// that get an exemplar; one typical request always gets one.
	maxSampled = 3
	// batchSteps is how many history steps go into one transaction.
	batchSteps = 256
)

// appenderSource is where samples go: the embedded engine.
type appenderSource interface {
	Appender(ctx context.Context) storage.Appender
}

// writer appends the workloads' span metrics and exemplars, keeping every
// counter's running total. It is safe for concurrent use.
type writer struct {
	src    appenderSource
	traces *traceStore
	t0     time.Time

	// dense are the spans of the history written one sample a minute
	// around past incidents.
	dense []interval

	mu    sync.Mutex
	loads []*load
	at    time.Time // written up to here; zero before the backfill
}

// load is one workload being written: its series and running totals.
type load struct {
	w            *workload
	slow, failed share
	// calls and hist are by status, unset then error; the error ones are
	// nil for a workload that never fails, hist is nil without a histogram.
	calls [2]*series
	hist  [2]*histogram
	// slowDue and failDue count slow and failed requests not yet sampled.
	slowDue, failDue float64
	seq              uint64
}

type series struct {
	lset  labels.Labels
	ref   storage.SeriesRef
	value float64
}

type histogram struct {
	buckets    []*series // one per bound, then +Inf
	count, sum *series
}

func newWriter(traces *traceStore, s Script, t0 time.Time) *writer {
	wr := &writer{traces: traces, t0: t0}
	for _, e := range s.history() {
		wr.dense = append(wr.dense, interval{from: t0.Add(e.From - time.Hour).Truncate(oldStep), to: t0.Add(e.To + pastAlerts).Truncate(oldStep)})
	}
	for _, w := range workloads() {
		l := &load{w: w, slow: shareOf(w.slow, s, w.name, Slow, t0), failed: shareOf(w.failed, s, w.name, Failing, t0)}
		statuses := []string{statusUnset}
		if l.failed.ever() {
			statuses = append(statuses, statusError)
		}
		info := w.info()
		for i, status := range statuses {
			base := map[string]string{info.ServiceLabel: w.service, "span_name": w.span, "span_kind": w.kind, "status_code": status}
			l.calls[i] = newSeries(info.Calls, base, "", "")
			if w.buckets == nil {
				continue
			}
			h := &histogram{count: newSeries(info.Histogram+"_count", base, "", ""), sum: newSeries(info.Histogram+"_sum", base, "", "")}
			for _, le := range w.buckets {
				h.buckets = append(h.buckets, newSeries(info.Histogram+"_bucket", base, "le", strconv.FormatFloat(le, 'f', -1, 64)))
			}
			h.buckets = append(h.buckets, newSeries(info.Histogram+"_bucket", base, "le", "+Inf"))
			l.hist[i] = h
		}
		wr.loads = append(wr.loads, l)
	}
	return wr
}

func newSeries(name string, base map[string]string, k, v string) *series {
	m := map[string]string{model.MetricNameLabel: name}
	for bk, bv := range base {
		m[bk] = bv
	}
	if k != "" {
		m[k] = v
	}
	return &series{lset: labels.FromMap(m)}
}

// into makes src the store the writer appends to from now on.
func (wr *writer) into(src appenderSource) {
	wr.mu.Lock()
	defer wr.mu.Unlock()
	wr.src = src
	for _, l := range wr.loads {
		for _, s := range l.all() {
			s.ref = 0 // refs belong to the previous store
		}
	}
}

// backfill writes history up to until (at most the start T): 30 days in
// all, the last three days and two hours at one sample a minute, the last
// six hours with exemplars. It continues where the writer stands.
func (wr *writer) backfill(ctx context.Context, until time.Time) error {
	wr.mu.Lock()
	defer wr.mu.Unlock()
	until = minTime(until, wr.t0)
	app := wr.src.Appender(ctx)
	if wr.at.IsZero() {
		from := wr.t0.Add(-historyLength).Truncate(oldStep)
		if err := wr.appendAll(app, from); err != nil {
			return errors.Join(err, app.Rollback())
		}
		wr.at = from
	}
	for steps := 1; wr.at.Before(until); steps++ {
		step := recentStep
		if wr.at.Before(wr.t0.Add(-recentHistory)) && !wr.nearPastIncident(wr.at) {
			step = oldStep
		}
		next := minTime(wr.at.Add(step), until)
		if err := wr.step(app, next, next.After(wr.t0.Add(-exemplarHistory))); err != nil {
			return errors.Join(err, app.Rollback())
		}
		if steps%batchSteps == 0 {
			if err := app.Commit(); err != nil {
				return fmt.Errorf("backfill: commit: %w", err)
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			app = wr.src.Appender(ctx)
		}
	}
	if err := app.Commit(); err != nil {
		return fmt.Errorf("backfill: commit: %w", err)
	}
	return nil
}

// nearPastIncident says whether t is in a span written densely around a
// past incident.
func (wr *writer) nearPastIncident(t time.Time) bool {
	for _, d := range wr.dense {
		if !t.Before(d.from) && t.Before(d.to) {
			return true
		}
	}
	return false
}

// writeUpTo writes live traffic from where the writer stands to t, one
// sample every five seconds (and one at t), with exemplars.
func (wr *writer) writeUpTo(ctx context.Context, t time.Time) error {
	wr.mu.Lock()
	defer wr.mu.Unlock()
	if !t.After(wr.at) {
		return nil
	}
	app := wr.src.Appender(ctx)
	for wr.at.Before(t) {
		if err := wr.step(app, minTime(wr.at.Add(liveStep), t), true); err != nil {
			return errors.Join(err, app.Rollback())
		}
	}
	if err := app.Commit(); err != nil {
		return fmt.Errorf("write traffic up to %s: commit: %w", t.Format(time.RFC3339), err)
	}
	return nil
}

// step counts the requests of (wr.at, to] and appends every series at to.
func (wr *writer) step(app storage.Appender, to time.Time, sample bool) error {
	from := wr.at
	for _, l := range wr.loads {
		nSlow, nFail := l.count(from, to)
		if err := appendLoad(app, l, to); err != nil {
			return err
		}
		if sample {
			if err := wr.sample(app, l, from, to, nSlow, nFail); err != nil {
				return err
			}
		}
	}
	wr.at = to
	return nil
}

// appendAll appends every series' current value at t.
func (wr *writer) appendAll(app storage.Appender, t time.Time) error {
	for _, l := range wr.loads {
		if err := appendLoad(app, l, t); err != nil {
			return err
		}
	}
	return nil
}

// count adds the requests of (from, to] to the running totals and returns
// how many of them were slow and how many failed.
func (l *load) count(from, to time.Time) (nSlow, nFail float64) {
	w := l.w
	n := w.rate * to.Sub(from).Seconds()
	nSlow = w.rate * l.slow.integral(from, to)
	nFail = w.rate * l.failed.integral(from, to)
	ok := n - nFail
	fast := ok - nSlow
	l.calls[0].value += ok
	if l.calls[1] != nil {
		l.calls[1].value += nFail
	}
	if h := l.hist[0]; h != nil {
		unit := w.unit()
		for i, le := range w.buckets {
			h.buckets[i].value += fast*w.fast.share(le*unit) + nSlow*w.slowBand.share(le*unit)
		}
		h.buckets[len(w.buckets)].value += ok
		h.count.value += ok
		h.sum.value += (fast*w.fast.mean() + nSlow*w.slowBand.mean()) / unit
	}
	if h := l.hist[1]; h != nil {
		unit := w.unit()
		for i, le := range w.buckets {
			h.buckets[i].value += nFail * w.failBand.share(le*unit)
		}
		h.buckets[len(w.buckets)].value += nFail
		h.count.value += nFail
		h.sum.value += nFail * w.failBand.mean() / unit
	}
	return nSlow, nFail
}

func appendLoad(app storage.Appender, l *load, t time.Time) error {
	ts := timestamp.FromTime(t)
	for _, s := range l.all() {
		ref, err := app.Append(s.ref, s.lset, ts, s.value)
		if err != nil {
			return fmt.Errorf("append %s at %s: %w", s.lset, t.Format(time.RFC3339), err)
		}
		s.ref = ref
	}
	return nil
}

// all lists the workload's series.
func (l *load) all() []*series {
	var out []*series
	for _, s := range l.calls {
		if s != nil {
			out = append(out, s)
		}
	}
	for _, h := range l.hist {
		if h != nil {
			out = append(append(out, h.buckets...), h.count, h.sum)
		}
	}
	return out
}

// sample gives exemplars, each with its synthetic trace, to one typical
// request of the step and to the slow and failed requests that came due
// (a few at most), spread over the step.
func (wr *writer) sample(app storage.Appender, l *load, from, to time.Time, nSlow, nFail float64) error {
	if l.w.trace == nil || l.hist[0] == nil {
		return nil
	}
	l.slowDue += nSlow
	l.failDue += nFail
	if to.Sub(from) < time.Second {
		return nil // too short to spread exemplars in; they come due later
	}
	picks := []outcome{typical}
	for range min(int(l.slowDue), maxSampled) {
		picks = append(picks, slowed)
	}
	for range min(int(l.failDue), maxSampled) {
		picks = append(picks, failedReq)
	}
	l.slowDue -= math.Floor(l.slowDue)
	l.failDue -= math.Floor(l.failDue)
	gap := to.Sub(from) / time.Duration(len(picks)+1)
	for i, o := range picks {
		at := from.Add(time.Duration(i+1) * gap).Truncate(time.Millisecond)
		if err := wr.exemplar(app, l, at, o); err != nil {
			return err
		}
	}
	return nil
}

// exemplar draws one request with outcome o at t, keeps its trace and
// appends its exemplar to the bucket its duration falls in.
func (wr *writer) exemplar(app storage.Appender, l *load, t time.Time, o outcome) error {
	w := l.w
	l.seq++
	u := math.Mod(0.5+float64(l.seq)*0.6180339887498949, 1) // evenly spread, deterministic
	band, status := w.fast, 0
	switch o {
	case slowed:
		band = w.slowBand
	case failedReq:
		band, status = w.failBand, 1
	}
	h := l.hist[status]
	if h == nil {
		return nil
	}
	secs := band.quantile(u)
	id := traceID(w.name, t, l.seq)
	wr.traces.add(w.trace(id, t, secs, o))
	value := secs / w.unit()
	b := len(w.buckets)
	for i, le := range w.buckets {
		if value <= le {
			b = i
			break
		}
	}
	s := h.buckets[b]
	ex := exemplar.Exemplar{Labels: labels.FromStrings(w.info().TraceIDLabels[0], id), Value: value, Ts: timestamp.FromTime(t), HasTs: true}
	_, err := app.AppendExemplar(s.ref, s.lset, ex)
	if errors.Is(err, storage.ErrOutOfOrderExemplar) || errors.Is(err, storage.ErrDuplicateExemplar) {
		return nil // as a scrape does: the samples count, the exemplar is dropped
	}
	if err != nil {
		return fmt.Errorf("append exemplar to %s at %s: %w", s.lset, t.Format(time.RFC3339Nano), err)
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
