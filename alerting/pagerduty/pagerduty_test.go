package pagerduty_test

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/pagerduty"
	"github.com/burnwatch/burnwatch/alerting/receivertest"
	"github.com/burnwatch/burnwatch/alerting/transport"
	"github.com/burnwatch/burnwatch/internal/secret"
)

const routingKey = "R0UT1NGK3Y0123456789abcdefABCDEF"

// accept answers like PagerDuty does to a valid event.
func accept(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"success","message":"Event processed","dedup_key":"x"}`)
}

func newReceiver(t *testing.T, baseURL string, client *http.Client) alerting.Receiver {
	t.Helper()
	r, err := pagerduty.New("checkout-oncall", pagerduty.Config{
		RoutingKey: secret.Literal(routingKey),
		URL:        baseURL + "/v2/enqueue",
		ClientURL:  "https://burnwatch.example.com/",
	}, transport.Options{Client: client, Now: receivertest.Clock})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// event is the part of an Events API body the tests inspect.
type event struct {
	RoutingKey  string `json:"routing_key"`
	EventAction string `json:"event_action"`
	DedupKey    string `json:"dedup_key"`
	Payload     *struct {
		Summary  string `json:"summary"`
		Severity string `json:"severity"`
	} `json:"payload"`
}

// send delivers every notification to one server and returns the events
// it received, decoded, and the raw bodies.
func send(t *testing.T, ns ...*alerting.Notification) ([]event, []map[string]any) {
	t.Helper()
	srv := receivertest.NewServer(t, accept)
	r := newReceiver(t, srv.URL, nil)
	for _, n := range ns {
		if retryable, err := r.Notify(context.Background(), n); err != nil || retryable {
			t.Fatalf("Notify(%s) = %v, %v; want false, nil", n.ID, retryable, err)
		}
	}
	var events []event
	var raws []map[string]any
	for _, req := range srv.Requests() {
		var e event
		var raw map[string]any
		if err := json.Unmarshal(req.Body, &e); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(req.Body, &raw); err != nil {
			t.Fatal(err)
		}
		events, raws = append(events, e), append(raws, raw)
	}
	return events, raws
}

func TestEventsMatchTheGoldenFiles(t *testing.T) {
	for _, f := range receivertest.Fixtures() {
		t.Run(f.Name, func(t *testing.T) {
			srv := receivertest.NewServer(t, accept)
			retryable, err := newReceiver(t, srv.URL, nil).Notify(context.Background(), f.Notification)
			if err != nil || retryable {
				t.Fatalf("Notify = %v, %v; want false, nil", retryable, err)
			}
			req := srv.Only(t)
			if req.Method != http.MethodPost || req.Path != "/v2/enqueue" {
				t.Errorf("request = %s %s, want POST /v2/enqueue", req.Method, req.Path)
			}
			if got := req.Header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
			receivertest.Golden(t, f.Name, req.Body)
		})
	}
}

func TestTriggerRepeatAndResolveShareOneDedupKey(t *testing.T) {
	hostileResolved := receivertest.Hostile()
	hostileResolved.Status = alerting.Resolved
	tests := []struct {
		name string
		ns   []*alerting.Notification
	}{
		{"A page, its reminder and its resolve share the incident key.", []*alerting.Notification{receivertest.FiringPage(), receivertest.FiringRepeat(), receivertest.Resolved()}},
		{"A page, its update with the trace links found and its resolve share the incident key.", []*alerting.Notification{receivertest.FiringPage(), receivertest.Updated(), receivertest.Resolved()}},
		{"A 300-byte incident key is shortened the same way each time.", []*alerting.Notification{receivertest.Hostile(), receivertest.Hostile(), hostileResolved}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, _ := send(t, tt.ns...)
			wantActions := []string{"trigger", "trigger", "resolve"}
			for i, e := range events {
				if e.DedupKey != events[0].DedupKey {
					t.Errorf("event %d dedup_key = %q, want %q", i, e.DedupKey, events[0].DedupKey)
				}
				if len(e.DedupKey) > 255 || e.DedupKey == "" {
					t.Errorf("event %d dedup_key has %d bytes, want 1 to 255", i, len(e.DedupKey))
				}
				if e.EventAction != wantActions[i] {
					t.Errorf("event %d event_action = %q, want %q", i, e.EventAction, wantActions[i])
				}
				if e.RoutingKey != routingKey {
					t.Errorf("event %d routing_key = %q, want the configured key", i, e.RoutingKey)
				}
			}
		})
	}
}

func TestAResolveCarriesOnlyTheRoutingKeyActionAndDedupKey(t *testing.T) {
	_, raws := send(t, receivertest.Resolved())
	got := slices.Sorted(maps.Keys(raws[0]))
	if want := []string{"dedup_key", "event_action", "routing_key"}; !slices.Equal(got, want) {
		t.Errorf("resolve fields = %v, want %v", got, want)
	}
}

func TestTheSummaryFitsIn1024Bytes(t *testing.T) {
	events, _ := send(t, receivertest.Hostile())
	s := events[0].Payload.Summary
	if len(s) > pagerduty.MaxSummary || !utf8.ValidString(s) || !strings.HasSuffix(s, "…") {
		t.Errorf("summary has %d bytes, want at most 1024 of valid UTF-8 ending in …", len(s))
	}
	if !strings.HasPrefix(s, receivertest.HostileText) {
		t.Errorf("summary = %.80q…, want the notification's summary, cut", s)
	}
}

func TestTiersMapToPagerDutySeverities(t *testing.T) {
	tests := []struct {
		name       string
		severities map[string]string
		tier       string
		want       string
	}{
		{"A page is critical by default.", nil, "page", "critical"},
		{"A ticket is a warning by default.", nil, "ticket", "warning"},
		{"The map overrides a default.", map[string]string{"ticket": "info"}, "ticket", "info"},
		{"The map leaves other defaults alone.", map[string]string{"ticket": "info"}, "page", "critical"},
		{"An unknown tier is a warning.", nil, "chat", "warning"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := receivertest.FiringPage()
			n.Severity = tt.tier
			body, err := pagerduty.Body(pagerduty.Config{RoutingKey: secret.Literal(routingKey), Severities: tt.severities}, n)
			if err != nil {
				t.Fatal(err)
			}
			var e event
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatal(err)
			}
			if e.Payload.Severity != tt.want {
				t.Errorf("severity = %q, want %q", e.Payload.Severity, tt.want)
			}
		})
	}
}

func TestANotificationWithoutAnIncidentKeyIsRefused(t *testing.T) {
	srv := receivertest.NewServer(t, accept)
	n := receivertest.FiringPage()
	n.IncidentKey = ""
	retryable, err := newReceiver(t, srv.URL, nil).Notify(context.Background(), n)
	if err == nil || retryable || !strings.Contains(err.Error(), "no incident key") {
		t.Errorf("Notify = %v, %v; want false and an error about the incident key", retryable, err)
	}
	if got := len(srv.Requests()); got != 0 {
		t.Errorf("server received %d requests, want none", got)
	}
}

func TestDeliveryFailures(t *testing.T) {
	receivertest.TestDeliveryFailures(t, newReceiver, routingKey)
}

func TestEchoedSecretsAreRedacted(t *testing.T) {
	receivertest.TestEchoedSecretsAreRedacted(t, newReceiver, routingKey)
}

func TestAnUpdateIsATriggerOfTheSameIncidentWithTheNewLinks(t *testing.T) {
	_, raws := send(t, receivertest.FiringPage(), receivertest.Updated())
	first, update := raws[0], raws[1]
	if update["event_action"] != "trigger" || update["dedup_key"] != first["dedup_key"] {
		t.Errorf("update is %v with dedup_key %v, want a trigger with %v", update["event_action"], update["dedup_key"], first["dedup_key"])
	}
	payload := update["payload"].(map[string]any)
	if s := payload["summary"].(string); !strings.HasPrefix(s, "Update, trace links found: ") {
		t.Errorf("summary = %q, want it to say it is an update", s)
	}
	if st := payload["custom_details"].(map[string]any)["status"]; st != "updated" {
		t.Errorf("custom_details.status = %v, want updated", st)
	}
	var hrefs []string
	for _, l := range update["links"].([]any) {
		hrefs = append(hrefs, l.(map[string]any)["href"].(string))
	}
	for _, tr := range receivertest.Updated().Traces {
		if !slices.Contains(hrefs, tr.URL) {
			t.Errorf("links %v do not carry the new trace %s", hrefs, tr.URL)
		}
	}
}

func TestHeldIncidentsAndMissingTracesSaySo(t *testing.T) {
	_, raws := send(t, receivertest.HeldNoData(), receivertest.NoTraceYet())
	held := raws[0]["payload"].(map[string]any)["custom_details"].(map[string]any)
	if got, want := held["no_data"], "no data since 2026-03-01T11:41:30Z; held open, not resolved"; got != want {
		t.Errorf("custom_details.no_data = %v, want %q", got, want)
	}
	noTrace := raws[1]["payload"].(map[string]any)["custom_details"].(map[string]any)
	if got, want := noTrace["traces_note"], receivertest.NoTraceYet().TracesNote; got != want {
		t.Errorf("custom_details.traces_note = %v, want %q", got, want)
	}
}

func TestABudgetCountedOverLessThanThePeriodSaysOverWhat(t *testing.T) {
	_, raws := send(t, receivertest.YoungPrometheus(), receivertest.FiringPage())
	young := raws[0]["payload"].(map[string]any)["custom_details"].(map[string]any)
	if got, want := young["budget_covered"], "the last 2h of the 30d period"; got != want {
		t.Errorf("custom_details.budget_covered = %v, want %q", got, want)
	}
	if got, want := young["budget_covered_seconds"], 7200.0; got != want {
		t.Errorf("custom_details.budget_covered_seconds = %v, want %v", got, want)
	}
	whole := raws[1]["payload"].(map[string]any)["custom_details"].(map[string]any)
	for _, k := range []string{"budget_covered", "budget_covered_seconds"} {
		if v, ok := whole[k]; ok {
			t.Errorf("a budget over the whole period has custom_details.%s = %v", k, v)
		}
	}
}

func TestTheObjectiveReadsAsTheSpecWroteIt(t *testing.T) {
	written := 99.9 // percent, as in the spec; the division below is what loading does
	n := receivertest.FiringPage()
	n.SLO.Objective = written / 100
	body, err := pagerduty.Body(pagerduty.Config{RoutingKey: secret.Literal(routingKey)}, n)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"objective":0.999,`) {
		t.Errorf("event does not carry the objective as 0.999: %s", body)
	}
}
