package alertmanager_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting/alertmanager"
	"github.com/burnwatch/burnwatch/alerting/receivertest"
	"github.com/burnwatch/burnwatch/alerting/transport"
	"github.com/burnwatch/burnwatch/internal/promtest"
)

// TestAgainstARealAlertmanager sends a firing alert, its update, a
// re-send and its resolve, and a ticket that escalates, to the
// Alertmanager of the Debian package prometheus-alertmanager (API v2) and
// checks what Alertmanager made of them: the active alert with its labels
// through GET /api/v2/alerts, its annotations replaced by the update's and
// then the re-send's, the escalated ticket gone from the active list,
// then, after the resolve, the alert gone from the active list and a
// "resolved" notification, whose endsAt has passed, at a webhook receiver
// routed from Alertmanager.
func TestAgainstARealAlertmanager(t *testing.T) {
	// The resolved notification comes back through this server.
	var mu sync.Mutex
	var notified []amNotification
	observer := receivertest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		var n amNotification
		if err := json.NewDecoder(r.Body).Decode(&n); err != nil {
			t.Errorf("decode Alertmanager's notification: %v", err)
		}
		mu.Lock()
		notified = append(notified, n)
		mu.Unlock()
	})
	base := startAlertmanager(t, observer.URL)

	r, err := alertmanager.New("alertmanager-it", alertmanager.Config{URLs: []string{base}}, transport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	firing := receivertest.FiringPage()
	sentAt := time.Now()
	if retryable, err := r.Notify(ctx, firing); err != nil {
		t.Fatalf("Notify(firing) = %v, %v", retryable, err)
	}

	alerts := getAlerts(t, base)
	if len(alerts) != 1 {
		t.Fatalf("Alertmanager has %d alerts, want 1: %+v", len(alerts), alerts)
	}
	a := alerts[0]
	wantLabels := map[string]string{
		"alertname": "SLOBurnRate", "slo": "checkout/requests-latency", "service": "checkout",
		"team": "checkout-team", "severity": "page", "kind": "burn", "tier": "1", "routing": "checkout-oncall",
	}
	if len(a.Labels) != len(wantLabels) {
		t.Errorf("labels = %v, want %v", a.Labels, wantLabels)
	}
	for k, v := range wantLabels {
		if a.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, a.Labels[k], v)
		}
	}
	if a.Status.State != "active" {
		t.Errorf("state = %q, want active", a.Status.State)
	}
	if a.Annotations["summary"] != firing.Summary || a.Annotations["trace_1"] != firing.Traces[0].URL {
		t.Errorf("annotations = %v, want the summary and trace links", a.Annotations)
	}
	if !a.StartsAt.Equal(firing.StartsAt) {
		t.Errorf("startsAt = %s, want %s", a.StartsAt, firing.StartsAt)
	}
	if lo, hi := sentAt.Add(4*time.Minute-time.Second), time.Now().Add(4*time.Minute+time.Second); a.EndsAt.Before(lo) || a.EndsAt.After(hi) {
		t.Errorf("endsAt = %s, want four resend intervals after sending, in [%s, %s]", a.EndsAt, lo, hi)
	}
	if a.GeneratorURL != firing.DashboardURL {
		t.Errorf("generatorURL = %q, want %q", a.GeneratorURL, firing.DashboardURL)
	}

	// An update re-sends the alert with the trace links found since: one
	// alert still, its annotations replaced by the newest.
	updated := receivertest.Updated()
	if retryable, err := r.Notify(ctx, updated); err != nil {
		t.Fatalf("Notify(updated) = %v, %v", retryable, err)
	}
	alerts = getAlerts(t, base)
	if len(alerts) != 1 {
		t.Fatalf("after the update Alertmanager has %d alerts, want 1: %+v", len(alerts), alerts)
	}
	if got := alerts[0].Annotations; got["trace_1"] != updated.Traces[0].URL || got["trace_2"] != updated.Traces[1].URL || got["trace_3"] != "" || got["summary"] != updated.Summary {
		t.Errorf("after the update annotations = %v, want the new summary and trace links only", got)
	}

	// A periodic re-send carries the incident's latest trace links: the
	// annotations follow it, nothing of the update's stays behind.
	resend := receivertest.FiringRepeat()
	resend.Traces = updated.Traces[1:]
	if retryable, err := r.Notify(ctx, resend); err != nil {
		t.Fatalf("Notify(resend) = %v, %v", retryable, err)
	}
	alerts = getAlerts(t, base)
	if len(alerts) != 1 {
		t.Fatalf("after the re-send Alertmanager has %d alerts, want 1: %+v", len(alerts), alerts)
	}
	if got := alerts[0].Annotations; got["trace_1"] != resend.Traces[0].URL || got["trace_2"] != "" {
		t.Errorf("after the re-send annotations = %v, want its one trace link", got)
	}

	// A ticket the page takes over ends: it leaves the active list too.
	ticket := receivertest.FiringPage()
	ticket.IncidentKey, ticket.Severity = receivertest.Escalated().IncidentKey, "ticket"
	if retryable, err := r.Notify(ctx, ticket); err != nil {
		t.Fatalf("Notify(ticket) = %v, %v", retryable, err)
	}
	if alerts := getAlerts(t, base); len(alerts) != 2 {
		t.Fatalf("with the ticket Alertmanager has %d alerts, want 2: %+v", len(alerts), alerts)
	}
	if retryable, err := r.Notify(ctx, receivertest.Escalated()); err != nil {
		t.Fatalf("Notify(escalated) = %v, %v", retryable, err)
	}
	if alerts := getAlerts(t, base); len(alerts) != 1 || alerts[0].Labels["severity"] != "page" {
		t.Errorf("after the escalation Alertmanager lists %+v, want the page only", alerts)
	}

	if retryable, err := r.Notify(ctx, receivertest.Resolved()); err != nil {
		t.Fatalf("Notify(resolved) = %v, %v", retryable, err)
	}
	// Alertmanager's API lists only alerts whose endsAt is still ahead.
	if alerts := getAlerts(t, base); len(alerts) != 0 {
		t.Errorf("after the resolve Alertmanager still lists %+v, want no active alert", alerts)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		resolved := findResolved(notified)
		mu.Unlock()
		if resolved != nil {
			if resolved.Labels["slo"] != "checkout/requests-latency" || !resolved.EndsAt.Before(time.Now()) {
				t.Errorf("resolved alert = %+v, want the SLO's alert with endsAt in the past", resolved)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Alertmanager sent no resolved notification within 10s; it sent %+v", notified)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// gettableAlert is the part of GET /api/v2/alerts the test reads.
type gettableAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Status       struct {
		State string `json:"state"`
	} `json:"status"`
}

// amNotification is the body of Alertmanager's webhook notifications.
type amNotification struct {
	Status string `json:"status"`
	Alerts []struct {
		Status string            `json:"status"`
		Labels map[string]string `json:"labels"`
		EndsAt time.Time         `json:"endsAt"`
	} `json:"alerts"`
}

type resolvedAlert struct {
	Labels map[string]string
	EndsAt time.Time
}

func findResolved(ns []amNotification) *resolvedAlert {
	for _, n := range ns {
		for _, a := range n.Alerts {
			if a.Status == "resolved" {
				return &resolvedAlert{a.Labels, a.EndsAt}
			}
		}
	}
	return nil
}

func getAlerts(t *testing.T, base string) []gettableAlert {
	t.Helper()
	resp, err := http.Get(base + "/api/v2/alerts")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v2/alerts: %s", resp.Status)
	}
	var alerts []gettableAlert
	if err := json.NewDecoder(resp.Body).Decode(&alerts); err != nil {
		t.Fatalf("decode GET /api/v2/alerts: %v", err)
	}
	return alerts
}

// startAlertmanager runs prometheus-alertmanager on a free port of
// 127.0.0.1, without clustering, routing everything to a null receiver and
// the test's alerts to a webhook at observerURL. It returns the base URL
// once Alertmanager is ready, and stops it when the test ends.
func startAlertmanager(t *testing.T, observerURL string) string {
	t.Helper()
	bin, err := exec.LookPath("prometheus-alertmanager")
	if err != nil {
		bin, err = exec.LookPath("alertmanager")
	}
	if err != nil {
		if os.Getenv("BURNWATCH_REQUIRE_ALERTMANAGER") == "1" {
			t.Fatalf("BURNWATCH_REQUIRE_ALERTMANAGER=1 but neither prometheus-alertmanager nor alertmanager is on PATH")
		}
		t.Skip("skipping: prometheus-alertmanager is not installed (Debian package prometheus-alertmanager); set BURNWATCH_REQUIRE_ALERTMANAGER=1 to fail instead")
	}
	dir := t.TempDir()
	config := fmt.Sprintf(`route:
  receiver: "null"
  routes:
    - receiver: observer
      matchers: ['slo="checkout/requests-latency"']
      group_by: [alertname, slo]
      group_wait: 0s
      group_interval: 1s
      repeat_interval: 1h
receivers:
  - name: "null"
  - name: observer
    webhook_configs:
      - url: %q
        send_resolved: true
`, observerURL+"/")
	configFile := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(configFile, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	var logs lockedBuffer
	cmd := exec.Command(bin,
		"--web.listen-address="+addr,
		"--cluster.listen-address=",
		"--storage.path="+filepath.Join(dir, "data"),
		"--config.file="+configFile,
	)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("alertmanager output:\n%s", logs.String())
		}
	})

	base := "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		select {
		case <-exited:
			t.Fatalf("alertmanager exited before it was ready:\n%s", logs.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("alertmanager was not ready within 15s:\n%s", logs.String())
		}
	}
}

// freeAddr returns a 127.0.0.1 address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// lockedBuffer is promtest's, for output read while it is written.
type lockedBuffer = promtest.LockedBuffer
