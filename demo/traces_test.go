package demo

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestTheSpanThatOwnsTheLatencyIsHot lays out traces of every shape and
// checks which span the waterfall blames.
func TestTheSpanThatOwnsTheLatencyIsHot(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trace   *trace
		hot     string
		failed  []string
		seconds float64
	}{
		{"a slow checkout waits on the card gateway", checkoutTrace("a", testStart, 3.2, slowed), "POST card-gateway /v1/charges", nil, 3.2},
		{"a slow authorisation is the same wait", authorizeTrace("b", testStart, 3.0, slowed), "POST card-gateway /v1/charges", nil, 3.05},
		{"a slow message waits on a row lock", consumerTrace("c", testStart, 4.5, slowed), "UPDATE stock", nil, 4.5},
		{"a typical checkout blames nothing", checkoutTrace("d", testStart, 0.15, typical), "", nil, 0.15},
		{"a failed checkout fails the insert and the request", checkoutTrace("e", testStart, 0.2, failedReq), "", []string{"POST /checkout", "INSERT orders"}, 0.2},
		{"a failed authorisation is the gateway's", authorizeTrace("f", testStart, 0.1, failedReq), "", []string{"Authorize", "POST card-gateway /v1/charges"}, 0.15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := layout(tc.trace)
			hot := ""
			if w.Hot != nil {
				hot = w.Hot.Name
			}
			if hot != tc.hot {
				t.Errorf("hot span %q, want %q", hot, tc.hot)
			}
			var failed []string
			for _, r := range w.Rows {
				if r.Failed {
					failed = append(failed, r.Name)
				}
			}
			if fmt.Sprint(failed) != fmt.Sprint(tc.failed) {
				t.Errorf("failed spans %v, want %v", failed, tc.failed)
			}
			if d := w.Seconds - tc.seconds; d > 0.001 || d < -0.001 {
				t.Errorf("the trace took %.3f s, want %.3f s", w.Seconds, tc.seconds)
			}
		})
	}
}

// TestSpansFitInsideTheirParents draws every shape over the whole range of
// durations its workload produces.
func TestSpansFitInsideTheirParents(t *testing.T) {
	for _, w := range workloads() {
		if w.trace == nil {
			continue
		}
		for _, o := range []outcome{typical, slowed, failedReq} {
			band := map[outcome]latency{typical: w.fast, slowed: w.slowBand, failedReq: w.failBand}[o]
			for _, u := range []float64{0, 0.5, 1} {
				tr := w.trace("x", testStart, band.quantile(u), o)
				byID := map[string]span{}
				for _, s := range tr.spans {
					byID[s.id] = s
				}
				for _, s := range tr.spans {
					p, ok := byID[s.parent]
					if s.duration <= 0 || (ok && (s.start < p.start || s.start+s.duration > p.start+p.duration)) {
						t.Errorf("%s %v at %.3f s: span %s [%s, +%s] does not fit its parent %s [%s, +%s]",
							w.name, o, band.quantile(u), s.name, s.start, s.duration, p.name, p.start, p.duration)
					}
				}
			}
		}
	}
}

func TestTheTraceStoreKeepsTheNewestTraces(t *testing.T) {
	s := newTraceStore(3)
	for i := range 5 {
		s.add(&trace{id: fmt.Sprint(i), spans: []span{{duration: time.Second}}})
	}
	for i, want := range []bool{false, false, true, true, true} {
		if _, ok := s.get(fmt.Sprint(i)); ok != want {
			t.Errorf("trace %d kept: %v, want %v", i, ok, want)
		}
	}
	if s.len() != 3 {
		t.Errorf("%d traces kept, want 3", s.len())
	}
}

func TestTickStepsAreRound(t *testing.T) {
	for _, tc := range []struct {
		total, want time.Duration
	}{
		{150 * time.Millisecond, 20 * time.Millisecond},
		{time.Second, 200 * time.Millisecond},
		{3950 * time.Millisecond, 500 * time.Millisecond},
		{12 * time.Second, 2 * time.Second},
	} {
		if got := tickStep(tc.total); got != tc.want {
			t.Errorf("tickStep(%s) = %s, want %s", tc.total, got, tc.want)
		}
	}
}

func TestAQueueMessageCarriesItsTraceStartToTheConsumer(t *testing.T) {
	id := traceID(orderConsumer, testStart, 1)
	tr := consumerTrace(id, testStart, 1.2, typical)
	root := tr.spans[0]
	if root.name != "process order" || root.start != 0 || root.duration != 1200*ms {
		t.Errorf("root span %s [%s, +%s], want process order from the trace's start for 1.2s", root.name, root.start, root.duration)
	}
	want := fmt.Sprintf("tracestate bw=t:%d", testStart.UnixNano())
	if !strings.Contains(root.note, want) {
		t.Errorf("root span note %q does not show %q", root.note, want)
	}
	if got := processStart(orderMessage("not a trace id", testStart), testStart.Add(time.Second)); !got.Equal(testStart.Add(time.Second)) {
		t.Errorf("a message without a trace starts processing at %s, want the fallback", got)
	}
}
