package web_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/burnwatch/burnwatch/web"
)

func decode(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

func TestAPISLOs(t *testing.T) {
	srv := newFixtureServer(t, web.Options{})
	res, body := get(t, srv, "/api/v1/slos")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := res.Header.Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Errorf("content type %q", got)
	}
	var rep struct {
		EvaluatedAt string           `json:"evaluated_at"`
		SLOs        []map[string]any `json:"slos"`
	}
	decode(t, body, &rep)
	if rep.EvaluatedAt != "2026-03-02T12:00:00Z" {
		t.Errorf("evaluated_at = %q", rep.EvaluatedAt)
	}
	if len(rep.SLOs) != 6 {
		t.Fatalf("got %d SLOs, want 6", len(rep.SLOs))
	}
	byID := map[string]map[string]any{}
	for _, s := range rep.SLOs {
		byID[s["id"].(string)] = s
		for _, field := range []string{"id", "name", "service", "team", "objective", "period", "sli", "state", "labels", "windows", "budget", "alerts", "firing"} {
			if _, ok := s[field]; !ok {
				t.Errorf("%s has no %q", s["id"], field)
			}
		}
	}
	latency := byID["checkout/requests-latency"]
	if latency["firing"] != "page" || latency["state"] != "ok" {
		t.Errorf("latency SLO firing %v in state %v, want page in ok", latency["firing"], latency["state"])
	}
	if got := latency["budget"].(map[string]any)["remaining"]; got != 0.3 {
		t.Errorf("latency budget remaining = %v, want 0.3", got)
	}
	if got := latency["windows"].(map[string]any)["1h"].(map[string]any)["burn_rate"]; got != 20.0 {
		t.Errorf("latency 1h burn rate = %v, want 20", got)
	}
	failed := byID["order-consumer/messages-processed"]
	if failed["state"] != "error" {
		t.Errorf("failed SLO in state %v", failed["state"])
	}
	if got, ok := failed["budget"].(map[string]any)["remaining"]; !ok || got != nil {
		t.Errorf("a failed SLO's budget remaining = %v, want null", got)
	}
}

func TestAPISLOsFilter(t *testing.T) {
	srv := newFixtureServer(t, web.Options{})
	_, body := get(t, srv, "/api/v1/slos?team=checkout")
	var rep struct {
		SLOs []struct {
			ID string `json:"id"`
		} `json:"slos"`
	}
	decode(t, body, &rep)
	if len(rep.SLOs) != 2 {
		t.Errorf("team filter kept %d SLOs, want 2", len(rep.SLOs))
	}
}

func TestAPIOneSLO(t *testing.T) {
	srv := newFixtureServer(t, web.Options{})
	res, body := get(t, srv, "/api/v1/slos/search/query-latency")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	var rep map[string]any
	decode(t, body, &rep)
	if rep["id"] != "search/query-latency" || rep["objective"] != 0.99 {
		t.Errorf("got %v with objective %v", rep["id"], rep["objective"])
	}
	if got := rep["labels"].(map[string]any)["note"]; got != hostile {
		t.Errorf("label note = %q, want the spec's text unchanged", got)
	}
}

func TestAPIAlerts(t *testing.T) {
	srv := newFixtureServer(t, web.Options{})
	res, body := get(t, srv, "/api/v1/alerts")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	var rep struct {
		EvaluatedAt string `json:"evaluated_at"`
		Incidents   []struct {
			Key      string `json:"key"`
			SLOID    string `json:"slo_id"`
			State    string `json:"state"`
			Severity string `json:"severity"`
			Windows  []struct {
				Factor        *float64 `json:"factor"`
				LongBurnRate  *float64 `json:"long_burn_rate"`
				ShortBurnRate *float64 `json:"short_burn_rate"`
			} `json:"windows"`
			Traces []struct {
				TraceID string   `json:"trace_id"`
				URL     string   `json:"url"`
				Value   *float64 `json:"value"`
			} `json:"traces"`
			Deliveries []struct {
				Receiver  string `json:"receiver"`
				State     string `json:"state"`
				Attempts  int    `json:"attempts"`
				LastError string `json:"last_error"`
			} `json:"deliveries"`
		} `json:"incidents"`
	}
	decode(t, body, &rep)
	if len(rep.Incidents) != 2 {
		t.Fatalf("got %d incidents, want 2", len(rep.Incidents))
	}
	in := rep.Incidents[0]
	if in.SLOID != "checkout/requests-latency" || in.State != "firing" || in.Severity != "page" {
		t.Errorf("first incident %+v", in)
	}
	if len(in.Windows) != 2 || in.Windows[1].LongBurnRate != nil || in.Windows[1].ShortBurnRate != nil {
		t.Errorf("NaN and Inf burn rates are not null: %s", body)
	}
	if in.Windows[0].LongBurnRate == nil || *in.Windows[0].LongBurnRate != 20 {
		t.Errorf("a known burn rate was lost")
	}
	if len(in.Traces) != 1 || in.Traces[0].Value == nil || *in.Traces[0].Value != 3.2 || in.Traces[0].URL == "" {
		t.Errorf("traces %+v", in.Traces)
	}
	if len(in.Deliveries) != 2 || in.Deliveries[1].LastError != "slack answered 503" || in.Deliveries[1].Attempts != 3 {
		t.Errorf("deliveries %+v", in.Deliveries)
	}
	if rep.Incidents[1].Deliveries == nil {
		t.Errorf("an incident without deliveries has deliveries null, want []")
	}
}
