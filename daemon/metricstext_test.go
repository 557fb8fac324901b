package daemon

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/web"
)

// scrape fetches /metrics with the given request headers and parses the
// text answer, gunzipping it when it says so.
func scrape(t *testing.T, h http.Handler, header map[string]string) map[string]*dto.MetricFamily {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var body io.Reader = rec.Body
	if rec.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		body = zr
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := parser.TextToMetricFamilies(body)
	if err != nil {
		t.Fatal(err)
	}
	return mfs
}

func TestRenderedSLOMetricsEqualWhatAGatherOfEverythingServes(t *testing.T) {
	d := metricsDaemon(t, 30)
	reference := promhttp.HandlerFor(prometheus.Gatherers{d.reg, d.metrics.slos.reg}, promhttp.HandlerOpts{})
	want := scrape(t, reference, nil)
	fast := d.metricsHandler()
	tests := []struct {
		name   string
		header map[string]string
	}{
		{"A plain scrape.", nil},
		{"A gzipped scrape, in two gzip members.", map[string]string{"Accept-Encoding": "gzip"}},
		{"Prometheus' own Accept header.", map[string]string{"Accept": "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", "Accept-Encoding": "gzip"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scrape(t, fast, tt.header)
			for name, mf := range want {
				if strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_") || strings.HasPrefix(name, "promhttp_") {
					continue // they move between scrapes
				}
				if g, ok := got[name]; !ok || g.String() != mf.String() {
					t.Errorf("%s: served\n%v\nwant\n%v", name, g, mf)
				}
			}
			if len(got["burnwatch_slo_burn_rate"].GetMetric()) != 30*7 {
				t.Errorf("%d burn rates, want 7 windows of 30 SLOs", len(got["burnwatch_slo_burn_rate"].GetMetric()))
			}
		})
	}
}

func TestANewSnapshotIsServedAtTheNextScrape(t *testing.T) {
	d := metricsDaemon(t, 3)
	h := d.metricsHandler()
	before := scrape(t, h, nil)["burnwatch_slo_evaluation_state"]
	snap := *d.snapshot.Load()
	snap.Statuses = snap.Statuses[:1]
	d.snapshot.Store(&web.Snapshot{At: snap.At, Statuses: snap.Statuses})
	after := scrape(t, h, nil)["burnwatch_slo_evaluation_state"]
	if len(before.GetMetric()) != 3 || len(after.GetMetric()) != 1 {
		t.Errorf("states of %d SLOs, then of %d, want 3 then 1", len(before.GetMetric()), len(after.GetMetric()))
	}
}
