package demo

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"sync"
	"time"
)

// span is one operation of a synthetic trace.
type span struct {
	id, parent          string
	service, name, kind string
	// start is the offset from the trace's start.
	start, duration time.Duration
	failed          bool
	// note says what happened in it, for the trace view.
	note string
}

// trace is the synthetic trace behind an exemplar: the spans of one request
// through the services, root first.
type trace struct {
	id    string
	start time.Time
	spans []span
}

func (t *trace) duration() time.Duration { return t.spans[0].duration }

// outcome is what happened to a sampled request.
type outcome int

const (
	typical outcome = iota
	slowed
	failedReq
)

// traceShape draws the trace of a request whose workload span took the
// given number of seconds.
type traceShape func(id string, start time.Time, seconds float64, o outcome) *trace

const ms = time.Millisecond

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)).Round(ms / 10) }

// checkoutTrace is a checkout whose POST /checkout span took the given
// time: everything but payments Authorize takes 50 ms.
func checkoutTrace(id string, start time.Time, s float64, o outcome) *trace {
	auth := o
	if o == failedReq {
		auth = typical // the order insert fails, not the payment
	}
	return checkoutWith(id, start, seconds(s)-50*ms, o, auth)
}

// authorizeTrace is a checkout whose payments Authorize span took the given
// time; a failure is the card gateway's.
func authorizeTrace(id string, start time.Time, s float64, o outcome) *trace {
	auth := o
	if o == failedReq {
		o = typical // checkout shows the customer a decline, without failing
	}
	return checkoutWith(id, start, seconds(s), o, auth)
}

// checkoutWith builds a checkout trace: cart, inventory, payments
// Authorize (which calls the card gateway) and the order insert. o is what
// happened to the checkout, auth to the authorisation: a slow one waits on
// the card gateway, a failed one got an error from it; a failed checkout
// fails the order insert.
func checkoutWith(id string, start time.Time, authorize time.Duration, o, auth outcome) *trace {
	b := newTraceBuilder(id, start)
	root := b.add("", "checkout", "POST /checkout", "SPAN_KIND_SERVER", 0, authorize+50*ms)
	b.add(root, "cart", "GetCart", "SPAN_KIND_SERVER", 3*ms, 12*ms)
	b.add(root, "inventory", "Reserve", "SPAN_KIND_SERVER", 16*ms, 18*ms)
	pay := b.add(root, "payments", "Authorize", "SPAN_KIND_SERVER", 36*ms, authorize)
	gw := b.add(pay, "payments", "POST card-gateway /v1/charges", "SPAN_KIND_CLIENT", 39*ms, authorize-7*ms)
	ins := b.add(root, "checkout", "INSERT orders", "SPAN_KIND_CLIENT", 39*ms+authorize, 8*ms)
	switch {
	case auth == failedReq:
		b.fail(gw, "the card gateway answered 502 Bad Gateway")
		b.fail(pay, "authorisation failed: card gateway error")
	case auth == slowed:
		b.note(gw, "the card gateway answered after "+formatDuration(b.find(gw).duration))
	}
	if o == failedReq {
		b.fail(ins, "deadlock detected; transaction rolled back")
		b.fail(root, "500 Internal Server Error")
	}
	return b.t
}

// consumerTrace is one order.created message that checkout published at
// start and order-consumer processed: "process order" starts with the
// trace (queue.go), so it lasts the message's end-to-end latency. A slow
// one waits on a row lock in UPDATE stock.
func consumerTrace(id string, start time.Time, s float64, o outcome) *trace {
	d := seconds(s)
	headers := orderMessage(id, start)
	b := newTraceBuilder(id, start)
	root := b.add("", "order-consumer", "process order", "SPAN_KIND_CONSUMER", processStart(headers, start).Sub(start), d)
	b.note(root, "starts with the trace: the message carries tracestate "+headers.Get("tracestate"))
	b.add(root, "order-consumer", "SELECT orders", "SPAN_KIND_CLIENT", 2*ms, 6*ms)
	upd := b.add(root, "order-consumer", "UPDATE stock", "SPAN_KIND_CLIENT", 10*ms, d-20*ms)
	b.add(root, "order-consumer", "publish order.processed", "SPAN_KIND_PRODUCER", d-8*ms, 5*ms)
	switch o {
	case slowed:
		b.note(upd, "waited "+formatDuration(d-24*ms)+" for a row lock on stock")
	case failedReq:
		b.fail(upd, "lock timeout")
		b.fail(root, "message sent to the dead-letter queue")
	}
	return b.t
}

type traceBuilder struct{ t *trace }

func newTraceBuilder(id string, start time.Time) *traceBuilder {
	return &traceBuilder{t: &trace{id: id, start: start}}
}

// add appends a span and returns its id.
func (b *traceBuilder) add(parent, service, name, kind string, start, d time.Duration) string {
	s := span{id: spanID(b.t.id, len(b.t.spans)), parent: parent, service: service, name: name, kind: kind, start: start, duration: d}
	b.t.spans = append(b.t.spans, s)
	return s.id
}

func (b *traceBuilder) find(id string) *span {
	for i := range b.t.spans {
		if b.t.spans[i].id == id {
			return &b.t.spans[i]
		}
	}
	panic("demo: no span " + id) // a bug in a shape above, never input
}

func (b *traceBuilder) fail(id, note string) {
	s := b.find(id)
	s.failed, s.note = true, note
}

func (b *traceBuilder) note(id, note string) { b.find(id).note = note }

// traceID derives a W3C trace id (32 hex digits) from what identifies a
// sampled request, so that the workload stays deterministic.
func traceID(workload string, at time.Time, seq uint64) string {
	h := fnv.New128a()
	fmt.Fprintf(h, "%s/%d/%d", workload, at.UnixNano(), seq)
	return hex.EncodeToString(h.Sum(nil))
}

func spanID(traceID string, i int) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", traceID, i)
	return hex.EncodeToString(binary.BigEndian.AppendUint64(nil, h.Sum64()))
}

// traceLimit is how many traces the demo keeps: at a few exemplars per
// workload every five seconds, well over an hour of them.
const traceLimit = 5000

// traceStore keeps the most recent traces, up to a limit: the traces
// behind the exemplars a trace link can point at.
type traceStore struct {
	mu    sync.Mutex
	byID  map[string]*trace
	ring  []string
	next  int
	limit int
}

func newTraceStore(limit int) *traceStore {
	return &traceStore{byID: map[string]*trace{}, limit: limit}
}

// add keeps t, dropping the oldest trace when full.
func (s *traceStore) add(t *trace) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[t.id]; ok {
		s.byID[t.id] = t
		return
	}
	if len(s.ring) < s.limit {
		s.ring = append(s.ring, t.id)
	} else {
		delete(s.byID, s.ring[s.next])
		s.ring[s.next] = t.id
		s.next = (s.next + 1) % s.limit
	}
	s.byID[t.id] = t
}

func (s *traceStore) get(id string) (*trace, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byID[id]
	return t, ok
}

func (s *traceStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID)
}
