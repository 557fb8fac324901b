package daemon

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/internal/pgtest"
)

func (h *reloadHarness) status(header string) (int, Status) {
	h.t.Helper()
	req := httptest.NewRequest("GET", "/api/v1/status", nil)
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	rec := httptest.NewRecorder()
	h.d.Handler().ServeHTTP(rec, req)
	var st Status
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
			h.t.Fatalf("status %q: %v", rec.Body.String(), err)
		}
	}
	return rec.Code, st
}

func TestTheOneReplicaOfTheBboltStoreLeads(t *testing.T) {
	h := newReloadHarness(t)
	h.start()
	code, st := h.status("")
	if code != http.StatusOK || st.Store != "bbolt" || !st.Leader {
		t.Errorf("status = %d %+v, want 200, bbolt, leader", code, st)
	}
	if m := h.metrics(); !strings.Contains(m, "\nburnwatch_leader 1\n") {
		t.Errorf("/metrics has no burnwatch_leader 1")
	}
}

func TestTheStatusIsProtectedLikeTheDashboard(t *testing.T) {
	h := newReloadHarness(t)
	h.cfg["web"] = map[string]any{"bearer_token": map[string]any{"env": "BURNWATCH_TEST_WEB_TOKEN"}}
	h.start()
	if code, _ := h.status(""); code != http.StatusUnauthorized {
		t.Errorf("status without credentials: %d, want 401", code)
	}
	if code, _ := h.status("Bearer web-token-1"); code != http.StatusOK {
		t.Errorf("status with the token: %d, want 200", code)
	}
}

func TestAReplicaOnPostgreSQLLeadsOnlyWithTheLease(t *testing.T) {
	pg := pgtest.Start(t)
	h := newReloadHarness(t)
	t.Setenv("BURNWATCH_TEST_STORE_DSN", pg.NewDatabase(t))
	h.cfg["store"] = map[string]any{"postgres": map[string]any{"dsn": map[string]any{"env": "BURNWATCH_TEST_STORE_DSN"}, "lease": "1s"}}
	h.start()
	if code, st := h.status(""); code != http.StatusOK || st.Store != "postgres" || st.Leader || st.LeaseHolder != "" {
		t.Errorf("status before campaigning = %d %+v, want postgres, not leading, no holder", code, st)
	}
	if !strings.Contains(h.metrics(), "\nburnwatch_leader 0\n") {
		t.Error("/metrics has no burnwatch_leader 0 before the lease is taken")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.d.runLeadership(ctx) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, st := h.status("")
		if code == http.StatusOK && st.Leader && st.LeaseHolder == st.Replica && st.LeaseEpoch == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status = %d %+v, want leading with the lease at epoch 1", code, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(h.metrics(), "\nburnwatch_leader 1\n") {
		t.Error("/metrics has no burnwatch_leader 1 once leading")
	}
}
