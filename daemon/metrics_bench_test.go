package daemon

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

// metricsDaemon is a daemon whose last cycle evaluated n SLOs with the
// workbook's windows, registered as New registers it, with an empty store.
func metricsDaemon(tb testing.TB, n int) *Daemon {
	tb.Helper()
	store, err := alerting.OpenStore(filepath.Join(tb.TempDir(), "alerts.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	d := &Daemon{store: store, reg: prometheus.NewRegistry()}
	d.metrics = newMetrics(d.reg, d)
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	windows := []time.Duration{5 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour}
	policy := burnrate.DefaultWindows(30 * 24 * time.Hour)
	snap := &web.Snapshot{At: at}
	for i := range n {
		s := &slo.SLO{ID: fmt.Sprintf("svc-%03d/op-%d", i/10, i%10), Team: "fleet", Service: fmt.Sprintf("svc-%03d", i/10),
			Objective: 99.9, Period: slo.Period{Rolling: 30 * 24 * time.Hour}, Alerting: slo.Alerting{Windows: policy}}
		st := burnrate.Status{SLO: s, At: at, State: burnrate.StateOK,
			Budget: burnrate.Budget{Remaining: 0.5 + float64(i%50)/100, Covered: 30 * 24 * time.Hour}}
		for j, w := range windows {
			st.Windows = append(st.Windows, burnrate.WindowStatus{Window: w, BurnRate: float64(i%17) / float64(j+1), Valid: 1e4, Good: 9990, ErrorRatio: 0.001})
		}
		for _, w := range policy {
			st.Alerts = append(st.Alerts, burnrate.AlertStatus{Window: w, Firing: i%97 == 0, LongBurnRate: math.Pi, ShortBurnRate: math.E})
		}
		snap.Statuses = append(snap.Statuses, st)
	}
	d.snapshot.Store(snap)
	return d
}

// BenchmarkMetrics times one /metrics scrape of 2,000 SLOs: a scrape that
// finds the cycle's per-SLO families rendered (the cycle starts rendering
// them when it publishes its snapshot), and one that renders them itself,
// as a scrape does that comes before the rendering ends.
//
//	go test -run '^$' -bench Metrics ./daemon
func BenchmarkMetrics(b *testing.B) {
	for _, scrape := range []string{"rendered", "renders"} {
		b.Run("slos=2000/scrape="+scrape, func(b *testing.B) {
			d := metricsDaemon(b, 2000)
			h := d.metricsHandler()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if scrape == "renders" {
					snap := *d.snapshot.Load()
					d.snapshot.Store(&snap)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
				io.Copy(io.Discard, rec.Body)
			}
		})
	}
}
