package prom_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/internal/logtest"
	"github.com/burnwatch/burnwatch/prom"
)

// TestAServerWithoutKnownRangeRulesIsLoggedOnce: reading raw samples needs
// the engine's range rules; where the server does not tell them (Mimir
// here), the short windows are queried with increase() instead, and the
// operator is told once, not every cycle, with the reason. Prometheus
// 2.42 logs nothing.
func TestAServerWithoutKnownRangeRulesIsLoggedOnce(t *testing.T) {
	for _, tc := range []struct {
		name, build string
		logs        int
	}{
		{"Mimir", `{"version":"2.12.0","revision":"abc","goVersion":"go1.22","application":"Grafana Mimir"}`, 1},
		{"Prometheus 2.42", `{"version":"2.42.0","revision":"d7b4d2b","goVersion":"go1.19"}`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `{"status":"success","data":%s}`, tc.build)
			}))
			defer srv.Close()
			rec := &logtest.Recorder{}
			q, err := prom.NewHTTP(prom.HTTPOptions{URL: srv.URL, Timeout: 5 * time.Second, Logger: slog.New(rec)})
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				q.RangeRules(context.Background())
			}
			logged := rec.Records()
			if len(logged) != tc.logs {
				t.Fatalf("%d log records, want %d: %v", len(logged), tc.logs, logged)
			}
			for _, r := range logged {
				reason, _ := logtest.Attr(r, "reason")
				if r.Level != slog.LevelInfo || !strings.Contains(r.Message, "increase()") || !strings.Contains(reason, "Mimir") {
					t.Errorf("logged %s %q (reason %q), want an info saying the short windows are queried with increase(), and why", r.Level, r.Message, reason)
				}
			}
		})
	}
}
