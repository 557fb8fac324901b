package daemon

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestMetricsAreProtectedLikeTheDashboard(t *testing.T) {
	cases := []struct {
		name   string
		web    map[string]any
		header string
		want   int
	}{
		{"no auth configured: open", nil, "", http.StatusOK},
		{"auth configured, no credentials", map[string]any{"bearer_token": map[string]any{"env": "BURNWATCH_TEST_WEB_TOKEN"}}, "", http.StatusUnauthorized},
		{"auth configured, the token", map[string]any{"bearer_token": map[string]any{"env": "BURNWATCH_TEST_WEB_TOKEN"}}, "Bearer web-token-1", http.StatusOK},
		{"auth configured, metrics_auth false", map[string]any{"bearer_token": map[string]any{"env": "BURNWATCH_TEST_WEB_TOKEN"}, "metrics_auth": false}, "", http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newReloadHarness(t)
			if c.web != nil {
				h.cfg["web"] = c.web
			}
			h.start()
			req := httptest.NewRequest("GET", "/metrics", nil)
			if c.header != "" {
				req.Header.Set("Authorization", c.header)
			}
			rec := httptest.NewRecorder()
			h.d.Handler().ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Errorf("GET /metrics: %d, want %d", rec.Code, c.want)
			}
		})
	}
}

func TestHealthAndReadiness(t *testing.T) {
	h := newReloadHarness(t)
	h.start()
	answer := func(method, path string) (int, string) {
		rec := httptest.NewRecorder()
		h.d.Handler().ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := answer("HEAD", "/healthz"); code != http.StatusOK || body != "" {
		t.Errorf("HEAD /healthz: %d %q, want 200 and no body", code, body)
	}
	if code, _ := answer("GET", "/healthz"); code != http.StatusOK {
		t.Errorf("GET /healthz: %d, want 200", code)
	}
	steps := []struct {
		name   string
		status int // what Prometheus answers in the cycles before; 0 = no cycle
		cycles int
		want   int
	}{
		{"before the first cycle", 0, 0, http.StatusServiceUnavailable},
		{"after a good cycle", http.StatusOK, 1, http.StatusOK},
		{"after two cycles where every query failed", http.StatusInternalServerError, 2, http.StatusOK},
		{"after the third", http.StatusInternalServerError, 1, http.StatusServiceUnavailable},
		{"after a good cycle again", http.StatusOK, 1, http.StatusOK},
	}
	for _, s := range steps {
		if s.status == http.StatusOK {
			h.prom.set(0, "", 0)
		} else {
			h.prom.set(s.status, "down", 0)
		}
		for range s.cycles {
			h.d.Evaluate(context.Background(), time.Now())
		}
		for _, method := range []string{"GET", "HEAD"} {
			if code, _ := answer(method, "/readyz"); code != s.want {
				t.Errorf("%s: %s /readyz is %d, want %d", s.name, method, code, s.want)
			}
		}
	}
}

func TestAnOpenDashboardOnAReachableAddressIsWarnedAbout(t *testing.T) {
	cases := []struct {
		addr string
		auth bool
		warn bool
	}{
		{"127.0.0.1:8080", false, false},
		{"localhost:8080", false, false},
		{"[::1]:8080", false, false},
		{":8080", false, true},
		{"0.0.0.0:8080", false, true},
		{"192.0.2.10:8080", false, true},
		{"0.0.0.0:8080", true, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s auth %v", c.addr, c.auth), func(t *testing.T) {
			h := newReloadHarness(t)
			if c.auth {
				h.cfg["web"] = map[string]any{"bearer_token": map[string]any{"env": "BURNWATCH_TEST_WEB_TOKEN"}}
			}
			h.start()
			h.d.warnIfOpen(h.d.cfg, c.addr)
			if got := strings.Contains(h.logs.String(), "without authentication"); got != c.warn {
				t.Errorf("warned %v, want %v", got, c.warn)
			}
		})
	}
}
