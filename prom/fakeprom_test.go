package prom_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// reply is one scripted answer of fakeProm.
type reply struct {
	status int
	body   string
	// delay holds the answer back, or until the client gives up.
	delay time.Duration
}

// fakeProm is a scripted Prometheus API on 127.0.0.1: it answers the n-th
// request with the n-th reply (the last one repeats) and records requests.
type fakeProm struct {
	*httptest.Server
	mu       sync.Mutex
	replies  []reply
	requests []*http.Request
}

// newFakeProm starts a fakeProm that closes with the test.
func newFakeProm(t *testing.T, replies ...reply) *fakeProm {
	t.Helper()
	f := &fakeProm{replies: replies}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeProm) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, r)
	rep := f.replies[min(len(f.requests), len(f.replies))-1]
	f.mu.Unlock()

	if rep.delay > 0 {
		select {
		case <-time.After(rep.delay):
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = w.Write([]byte(rep.body))
}

// hits returns how many requests arrived.
func (f *fakeProm) hits() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

// request returns the i-th request that arrived.
func (f *fakeProm) request(i int) *http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[i]
}

// Answers in the Prometheus API's JSON, at 2026-01-02T03:04:05Z.
const (
	vectorBody = `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"api"},"value":[1767323045,"0.5"]}]}}`
	scalarBody = `{"status":"success","data":{"resultType":"scalar","result":[1767323045,"2"]}}`
	matrixBody = `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"api"},"values":[[1767323045,"0.5"],[1767323105,"0.75"]]}]}}`
	warnBody   = `{"status":"success","warnings":["results may be partial"],"data":{"resultType":"vector","result":[]}}`
	badData    = `{"status":"error","errorType":"bad_data","error":"1:15: parse error: unexpected \"]\""}`
	execBody   = `{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}`
	unavail    = `{"status":"error","errorType":"unavailable","error":"not ready"}`
	exemplars  = `{"status":"success","data":[{"seriesLabels":{"__name__":"latency_bucket","le":"0.5"},"exemplars":[{"labels":{"trace_id":"abc"},"value":"0.42","timestamp":1767323045}]}]}`
)
