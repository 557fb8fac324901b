package daemon_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/burnwatch/burnwatch/daemon"
	"github.com/burnwatch/burnwatch/internal/promtest"
)

// exporter is a service instrumented like the OpenTelemetry Collector's
// spanmetrics connector: a millisecond duration histogram with exemplars
// that carry trace ids, exposed in the OpenMetrics format.
type exporter struct {
	mu       sync.Mutex
	slowIDs  map[string]bool
	hist     *prometheus.HistogramVec
	calls    *prometheus.CounterVec
	slowFrac float64
}

func newExporter(t *testing.T) (*exporter, *httptest.Server) {
	reg := prometheus.NewRegistry()
	e := &exporter{
		slowIDs: map[string]bool{},
		hist: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "traces_span_metrics_duration_milliseconds",
			Buckets: []float64{100, 500, 2000, 5000},
		}, []string{"service_name", "span_name", "span_kind", "status_code"}),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "traces_span_metrics_calls_total"},
			[]string{"service_name", "span_name", "span_kind", "status_code"}),
	}
	reg.MustRegister(e.hist, e.calls)
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{EnableOpenMetrics: true}))
	t.Cleanup(srv.Close)
	return e, srv
}

// serve records n requests, a share of them slow (3 s), each with a trace.
func (e *exporter) serve(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for range n {
		id := fmt.Sprintf("%016x%016x", rand.Uint64(), rand.Uint64())
		ms := 40.0
		if rand.Float64() < e.slowFrac {
			ms = 3000
			e.slowIDs[id] = true
		}
		lv := []string{"checkout", "POST /checkout", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET"}
		e.hist.WithLabelValues(lv...).(prometheus.ExemplarObserver).ObserveWithExemplar(ms, prometheus.Labels{"trace_id": id})
		e.calls.WithLabelValues(lv...).Inc()
	}
}

func (e *exporter) slow(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.slowIDs[id]
}

// sink is a webhook receiver that keeps what it got.
type sink struct {
	mu  sync.Mutex
	got []map[string]any
}

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var msg map[string]any
	if err := json.Unmarshal(body, &msg); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.got = append(s.got, msg)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *sink) notifications() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, m := range s.got {
		out = append(out, m["notification"].(map[string]any))
	}
	return out
}

const e2eSpec = `version: burnwatch/v1
team: checkout
traces:
  link: jaeger
  url: http://jaeger.test:16686
slos:
  - name: requests-latency
    service: checkout
    objective: 99.9
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds_bucket{service_name="checkout", span_name="POST /checkout"}
        threshold: 2s
`

// TestABurningSLOPagesWithATraceLinkFromARealExemplar runs the daemon
// against a real Prometheus that scrapes an instrumented service. When half
// the requests turn slow, a page reaches the webhook with a trace link whose
// trace id came from a real exemplar of a slow request.
func TestABurningSLOPagesWithATraceLinkFromARealExemplar(t *testing.T) {
	exp, expSrv := newExporter(t)
	prom := promtest.Start(t, promtest.Options{
		ScrapeConfigs:  []promtest.ScrapeConfig{{Targets: []string{strings.TrimPrefix(expSrv.URL, "http://")}}},
		ScrapeInterval: time.Second,
	})
	hook := &sink{}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "checkout.yaml"), []byte(e2eSpec), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BURNWATCH_E2E_HOOK", hookSrv.URL+"/hook")
	config := fmt.Sprintf(`prometheus: {url: %s}
specs: [checkout.yaml]
evaluation_interval: 1s
listen_address: 127.0.0.1:0
receivers:
  - name: hook
    webhook: {url: {env: BURNWATCH_E2E_HOOK}}
default_receivers: [hook]
`, prom.URL)
	if err := os.WriteFile(filepath.Join(dir, "burnwatch.yaml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	// Healthy traffic first, so that the burn has a start.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				exp.serve(5)
			}
		}
	}()
	prom.WaitFor(t, `traces_span_metrics_duration_milliseconds_count`, 30*time.Second)

	listening := make(chan string, 1)
	d, err := daemon.New(daemon.Options{ConfigPath: filepath.Join(dir, "burnwatch.yaml"), Listening: listening,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	addr := <-listening

	exp.mu.Lock()
	exp.slowFrac = 0.5
	exp.mu.Unlock()

	deadline := time.Now().Add(60 * time.Second)
	var page map[string]any
	for page == nil && time.Now().Before(deadline) {
		for _, n := range hook.notifications() {
			if n["severity"] == "page" && n["status"] == "firing" {
				page = n
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if page == nil {
		t.Fatalf("no page within a minute; got %v", hook.notifications())
	}
	traces, _ := page["traces"].([]any)
	if len(traces) == 0 {
		t.Fatalf("the page carries no trace link: %v", page)
	}
	first := traces[0].(map[string]any)
	id, _ := first["trace_id"].(string)
	if !exp.slow(id) {
		t.Errorf("trace %q is not one of the slow requests' traces", id)
	}
	if url, _ := first["url"].(string); url != "http://jaeger.test:16686/trace/"+id {
		t.Errorf("trace link %q, want the jaeger link of %s", url, id)
	}
	if page["dashboard_url"] == "" {
		t.Error("the page has no dashboard link")
	}

	// The daemon's own endpoints.
	for path, want := range map[string]string{
		"/healthz": "ok", "/readyz": "ready",
		"/metrics": "burnwatch_notifications_sent_total{receiver=\"hook\"}",
	} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), want) {
			t.Errorf("%s: %q does not contain %q", path, body, want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}
