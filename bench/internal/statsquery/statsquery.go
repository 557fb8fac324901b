// Package statsquery is a burnrate.Querier for benchmarks: it sends every
// query to Prometheus' HTTP API with stats=all and adds up what Prometheus
// says the query cost, which client_golang's API does not expose. It is
// not for production use: no retries, no TLS or authentication options.
package statsquery

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
)

// Querier queries a Prometheus at a base URL and counts what its queries
// cost. It is safe for concurrent use.
type Querier struct {
	base   string
	client *http.Client
	// counters since the last Take.
	queries, samples, execNanos atomic.Int64
}

var _ burnrate.RawQuerier = (*Querier)(nil)

// New returns a querier for the Prometheus at base, e.g.
// http://127.0.0.1:9090.
func New(base string) *Querier {
	return &Querier{base: base, client: &http.Client{Timeout: 5 * time.Minute}}
}

// Cost is what a run of queries cost Prometheus.
type Cost struct {
	// Queries is the number of queries sent.
	Queries int64
	// Samples is the sum of their totalQueryableSamples: the samples
	// Prometheus read from storage to answer them.
	Samples int64
	// Exec is the sum of their execTotalTime, Prometheus' own time spent
	// evaluating them.
	Exec time.Duration
}

// Take returns the cost since the last Take and starts counting again.
func (q *Querier) Take() Cost {
	return Cost{
		Queries: q.queries.Swap(0),
		Samples: q.samples.Swap(0),
		Exec:    time.Duration(q.execNanos.Swap(0)),
	}
}

// Query evaluates an instant query at `at`.
func (q *Querier) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	v := url.Values{"query": {expr}, "time": {formatTime(at)}, "stats": {"all"}}
	data, err := q.get(ctx, "/api/v1/query", v)
	if err != nil {
		return nil, fmt.Errorf("query %q at %s: %w", expr, at.UTC().Format(time.RFC3339), err)
	}
	switch data.ResultType {
	case "vector":
		var vec model.Vector
		if err := json.Unmarshal(data.Result, &vec); err != nil {
			return nil, fmt.Errorf("query %q: decode vector: %w", expr, err)
		}
		return vec, nil
	case "scalar":
		var s model.Scalar
		if err := json.Unmarshal(data.Result, &s); err != nil {
			return nil, fmt.Errorf("query %q: decode scalar: %w", expr, err)
		}
		return model.Vector{{Metric: model.Metric{}, Value: s.Value, Timestamp: s.Timestamp}}, nil
	}
	return nil, fmt.Errorf("query %q answered a %s, want a vector", expr, data.ResultType)
}

// QueryRange evaluates a range query.
func (q *Querier) QueryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	v := url.Values{
		"query": {expr}, "start": {formatTime(r.Start)}, "end": {formatTime(r.End)},
		"step": {strconv.FormatFloat(r.Step.Seconds(), 'f', -1, 64)}, "stats": {"all"},
	}
	data, err := q.get(ctx, "/api/v1/query_range", v)
	if err != nil {
		return nil, fmt.Errorf("query range %q: %w", expr, err)
	}
	if data.ResultType != "matrix" {
		return nil, fmt.Errorf("query range %q answered a %s, want a matrix", expr, data.ResultType)
	}
	var m model.Matrix
	if err := json.Unmarshal(data.Result, &m); err != nil {
		return nil, fmt.Errorf("query range %q: decode matrix: %w", expr, err)
	}
	return m, nil
}

// QuerySamples returns the raw samples selector matches over the d before
// at, counted like any query.
func (q *Querier) QuerySamples(ctx context.Context, selector string, d time.Duration, at time.Time) (model.Matrix, error) {
	expr := selector + "[" + burnrate.FormatWindow(d) + "]"
	v := url.Values{"query": {expr}, "time": {formatTime(at)}, "stats": {"all"}}
	data, err := q.get(ctx, "/api/v1/query", v)
	if err != nil {
		return nil, fmt.Errorf("query %q at %s: %w", expr, at.UTC().Format(time.RFC3339), err)
	}
	if data.ResultType != "matrix" {
		return nil, fmt.Errorf("query %q answered a %s, want a matrix", expr, data.ResultType)
	}
	var m model.Matrix
	if err := json.Unmarshal(data.Result, &m); err != nil {
		return nil, fmt.Errorf("query %q: decode matrix: %w", expr, err)
	}
	return m, nil
}

// RangeRules returns the range rules of the server's version, read from
// its build info (not counted as a query).
func (q *Querier) RangeRules(ctx context.Context) (burnrate.RangeRules, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, q.base+"/api/v1/status/buildinfo", nil)
	if err != nil {
		return burnrate.RangeRules{}, err
	}
	resp, err := q.client.Do(req)
	if err != nil {
		return burnrate.RangeRules{}, fmt.Errorf("build info: %w", err)
	}
	defer resp.Body.Close()
	var answer struct {
		Data prom.BuildInfo `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return burnrate.RangeRules{}, fmt.Errorf("build info: HTTP %d: %w", resp.StatusCode, err)
	}
	return prom.RangeRulesOf(answer.Data)
}

// response is the API's envelope with the stats=all part.
type response struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      data   `json:"data"`
}

type data struct {
	ResultType string          `json:"resultType"`
	Result     json.RawMessage `json:"result"`
	Stats      struct {
		Timings struct {
			ExecTotalTime float64 `json:"execTotalTime"`
		} `json:"timings"`
		Samples struct {
			TotalQueryableSamples int64 `json:"totalQueryableSamples"`
		} `json:"samples"`
	} `json:"stats"`
}

// get sends one GET and counts its cost.
func (q *Querier) get(ctx context.Context, path string, v url.Values) (*data, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, q.base+path+"?"+v.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := q.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, body)
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("%s: %s", r.ErrorType, r.Error)
	}
	q.queries.Add(1)
	q.samples.Add(r.Data.Stats.Samples.TotalQueryableSamples)
	q.execNanos.Add(int64(r.Data.Stats.Timings.ExecTotalTime * float64(time.Second)))
	return &r.Data, nil
}

func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64)
}
