package daemon

import (
	"net/http"
	"testing"
)

func TestPrometheusRetriesZeroTurnsRetriesOffAndAbsentKeepsTheDefault(t *testing.T) {
	cases := []struct {
		name    string
		retries any // nil: the key is absent
		// attempts is how many requests one failing query makes.
		attempts int
	}{
		{"an absent key keeps the default of 2 retries", nil, 3},
		{"0 turns retries off", 0, 1},
		{"1 retries once", 1, 2},
		{"a negative value turns retries off too", -1, 1},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			h := newReloadHarness(t)
			p := h.cfg["prometheus"].(map[string]any)
			delete(p, "retries")
			if tt.retries != nil {
				p["retries"] = tt.retries
			}
			h.start()
			h.prom.set(http.StatusServiceUnavailable, "down", 0)
			before, _, _ := h.prom.seen()
			if err := h.query(); err == nil {
				t.Fatal("a query to a Prometheus that answers 503 did not fail")
			}
			after, _, _ := h.prom.seen()
			if got := after - before; got != tt.attempts {
				t.Errorf("one failing query made %d requests, want %d", got, tt.attempts)
			}
		})
	}
}
