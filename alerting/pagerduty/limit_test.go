package pagerduty_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/pagerduty"
	"github.com/burnwatch/burnwatch/alerting/receivertest"
	"github.com/burnwatch/burnwatch/internal/secret"
)

// oversized is a page whose spec fields hold 100 KB each and which links
// 2,000 traces: far more than one PagerDuty event can carry.
func oversized() *alerting.Notification {
	n := receivertest.FiringPage()
	const hundredKB = 100 << 10
	n.SLO.Description = strings.Repeat("d", hundredKB)
	n.SLO.Labels = map[string]string{"tier": "1", "owner_notes": strings.Repeat("o", hundredKB)}
	n.Labels = map[string]string{"routing": "checkout-oncall", "context": strings.Repeat("l", hundredKB)}
	n.Annotations = map[string]string{"chat": "#checkout-incidents", "playbook": strings.Repeat("a", hundredKB)}
	for i := range 2000 {
		id := fmt.Sprintf("%032x", i)
		n.Traces = append(n.Traces, alerting.TraceLink{TraceID: id, URL: "https://jaeger.example.com/trace/" + id + "?uiFind=" + strings.Repeat("x", 200), Value: 3.2, Reason: "latency 3.2s > 300ms"})
	}
	return n
}

// decodedEvent is the part of a trigger the limit tests inspect.
type decodedEvent struct {
	DedupKey string `json:"dedup_key"`
	Payload  struct {
		Summary       string         `json:"summary"`
		CustomDetails map[string]any `json:"custom_details"`
	} `json:"payload"`
	Links []struct {
		Href string `json:"href"`
	} `json:"links"`
}

func TestEveryEventFitsPagerDutysLimitAndSaysWhatWasCut(t *testing.T) {
	hostile := receivertest.Hostile()
	hostile.SLO.Description = strings.Repeat("é", 300<<10)
	tests := []struct {
		name      string
		n         *alerting.Notification
		wantCut   []string
		wantKept  []string
		wantLinks bool
	}{
		{"100 KB spec fields and 2,000 trace links are cut to fit.", oversized(),
			[]string{"annotations", "description", "labels", "links", "slo_labels", "traces"}, []string{"slo", "objective", "budget_remaining", "windows"}, true},
		{"A 600 KB description of two-byte characters is cut to fit.", hostile,
			[]string{"description"}, []string{"labels", "annotations", "traces"}, true},
		{"An event that fits is sent whole and says nothing was cut.", receivertest.FiringPage(),
			nil, []string{"description", "labels", "annotations", "traces"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := pagerduty.Body(pagerduty.Config{RoutingKey: secret.Literal(routingKey)}, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if len(body) > pagerduty.MaxEvent-16<<10 {
				t.Errorf("event has %d bytes, want at most PagerDuty's %d less a 16 KB margin", len(body), pagerduty.MaxEvent)
			}
			if !utf8.Valid(body) {
				t.Error("event is not valid UTF-8")
			}
			var e decodedEvent
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatal(err)
			}
			if len(e.Payload.Summary) > pagerduty.MaxSummary || len(e.DedupKey) > pagerduty.MaxDedupKey {
				t.Errorf("summary has %d bytes, dedup_key %d", len(e.Payload.Summary), len(e.DedupKey))
			}
			var cut []string
			if list, ok := e.Payload.CustomDetails["truncated"].([]any); ok {
				for _, f := range list {
					cut = append(cut, f.(string))
				}
			}
			slices.Sort(cut)
			if !slices.Equal(cut, tt.wantCut) {
				t.Errorf("truncated = %v, want %v", cut, tt.wantCut)
			}
			for _, f := range tt.wantKept {
				if _, ok := e.Payload.CustomDetails[f]; !ok {
					t.Errorf("custom_details lost %s", f)
				}
			}
			if tt.wantLinks && (len(e.Links) == 0 || e.Links[len(e.Links)-1].Href != tt.n.RunbookURL) {
				t.Errorf("links end with %v, want the runbook kept", e.Links[max(len(e.Links)-1, 0):])
			}
		})
	}
}
