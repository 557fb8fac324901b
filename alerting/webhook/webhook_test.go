package webhook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/receivertest"
	"github.com/burnwatch/burnwatch/alerting/transport"
	"github.com/burnwatch/burnwatch/alerting/webhook"
	"github.com/burnwatch/burnwatch/internal/secret"
)

const (
	token      = "tok-3f9a1c77e2b84d05"
	hmacSecret = "whsec-8c1e5b0a9d2f4e67"
	authHeader = "Bearer api-key-51d0c3e9b7a2"
)

func newReceiver(t *testing.T, baseURL string, client *http.Client) alerting.Receiver {
	t.Helper()
	r, err := webhook.New("ops-bridge", webhook.Config{
		URL:     secret.Literal(baseURL + "/hooks/burnwatch?token=" + token),
		Headers: map[string]string{"Authorization": authHeader, "X-Team": "sre"},
		Secret:  secret.Literal(hmacSecret),
	}, transport.Options{Client: client, Now: receivertest.Clock})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestBodiesMatchTheGoldenFilesAndAreSigned(t *testing.T) {
	for _, f := range receivertest.Fixtures() {
		t.Run(f.Name, func(t *testing.T) {
			srv := receivertest.NewServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusNoContent)
			})
			retryable, err := newReceiver(t, srv.URL, nil).Notify(context.Background(), f.Notification)
			if err != nil || retryable {
				t.Fatalf("Notify = %v, %v; want false, nil", retryable, err)
			}
			req := srv.Only(t)
			if req.Method != http.MethodPost || req.Path != "/hooks/burnwatch" || req.Query != "token="+token {
				t.Errorf("request = %s %s?%s, want POST /hooks/burnwatch?token=…", req.Method, req.Path, req.Query)
			}
			wantHeaders := map[string]string{
				"Content-Type":          "application/json",
				"User-Agent":            "burnwatch",
				"Authorization":         authHeader,
				"X-Team":                "sre",
				webhook.TimestampHeader: strconv.FormatInt(receivertest.Now.Unix(), 10),
			}
			for k, want := range wantHeaders {
				if got := req.Header.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			ts, sig := req.Header.Get(webhook.TimestampHeader), req.Header.Get(webhook.SignatureHeader)
			if err := webhook.Verify(hmacSecret, ts, req.Body, sig); err != nil {
				t.Errorf("signature does not verify: %v", err)
			}
			receivertest.Golden(t, f.Name, req.Body)
		})
	}
}

func TestTheBodyRoundTripsIntoANotification(t *testing.T) {
	body, err := webhook.Body("ops-bridge", receivertest.FiringPage())
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Version      string                `json:"version"`
		Receiver     string                `json:"receiver"`
		Notification alerting.Notification `json:"notification"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := receivertest.FiringPage()
	if got.Version != webhook.SchemaVersion || got.Receiver != "ops-bridge" {
		t.Errorf("version, receiver = %q, %q; want %q, ops-bridge", got.Version, got.Receiver, webhook.SchemaVersion)
	}
	n := got.Notification
	if n.IncidentKey != want.IncidentKey || n.Summary != want.Summary || !n.StartsAt.Equal(want.StartsAt) ||
		n.BudgetRemaining != want.BudgetRemaining || len(n.Windows) != 2 || n.Windows[0] != want.Windows[0] ||
		len(n.Traces) != 3 || n.Traces[2].URL != want.Traces[2].URL || n.SLO.Labels["tier"] != "1" {
		t.Errorf("decoded notification = %+v, want %+v", n, want)
	}
}

func TestASignatureVerifiesOnlyWithItsSecretTimestampAndBody(t *testing.T) {
	body := []byte(`{"version":"1"}`)
	sig := webhook.Sign(hmacSecret, "1772366400", body)
	tests := []struct {
		name      string
		secret    string
		timestamp string
		body      string
		signature string
		wantErr   string
	}{
		{"The right secret verifies.", hmacSecret, "1772366400", string(body), sig, ""},
		{"A wrong secret fails.", "not-the-secret", "1772366400", string(body), sig, "does not match"},
		{"Another timestamp fails.", hmacSecret, "1772366401", string(body), sig, "does not match"},
		{"A changed body fails.", hmacSecret, "1772366400", `{"version":"2"}`, sig, "does not match"},
		{"A signature without the sha256= prefix fails.", hmacSecret, "1772366400", string(body), strings.TrimPrefix(sig, "sha256="), `does not start with "sha256="`},
		{"A signature that is not hex fails.", hmacSecret, "1772366400", string(body), "sha256=zz", "not hex"},
		{"A missing timestamp fails.", hmacSecret, "", string(body), sig, "missing X-Burnwatch-Timestamp"},
		{"An empty secret fails.", "", "1772366400", string(body), sig, "empty secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := webhook.Verify(tt.secret, tt.timestamp, []byte(tt.body), tt.signature)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Verify = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Verify = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestWithoutASecretNothingIsSigned(t *testing.T) {
	srv := receivertest.NewServer(t, nil)
	r, err := webhook.New("plain", webhook.Config{URL: secret.Literal(srv.URL)}, transport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Notify(context.Background(), receivertest.FiringPage()); err != nil {
		t.Fatal(err)
	}
	req := srv.Only(t)
	for _, h := range []string{webhook.SignatureHeader, webhook.TimestampHeader} {
		if got := req.Header.Get(h); got != "" {
			t.Errorf("header %s = %q, want none", h, got)
		}
	}
}

func TestDeliveryFailures(t *testing.T) {
	receivertest.TestDeliveryFailures(t, newReceiver, token, hmacSecret, authHeader, "api-key-51d0c3e9b7a2")
}

func TestEchoedSecretsAreRedacted(t *testing.T) {
	receivertest.TestEchoedSecretsAreRedacted(t, newReceiver, token, hmacSecret, authHeader, "api-key-51d0c3e9b7a2")
}

func TestTheObjectiveReadsAsTheSpecWroteIt(t *testing.T) {
	written := 99.9 // percent, as in the spec; the division below is what loading does
	n := receivertest.FiringPage()
	n.SLO.Objective = written / 100
	body, err := webhook.Body("ops-bridge", n)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"objective":0.999,`) {
		t.Errorf("body does not carry the objective as 0.999: %s", body)
	}
}

func TestTheBudgetSaysHowMuchOfThePeriodItCovers(t *testing.T) {
	tests := []struct {
		name string
		n    *alerting.Notification
		want any
	}{
		{"A young Prometheus's budget covers two hours.", receivertest.YoungPrometheus(), 7200.0},
		{"A budget over the whole period has null.", receivertest.FiringPage(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := webhook.Body("r", tt.n)
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Notification map[string]any `json:"notification"`
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			v, ok := got.Notification["budget_covered_seconds"]
			if !ok || v != tt.want {
				t.Errorf("budget_covered_seconds = %v (present %t), want %v", v, ok, tt.want)
			}
		})
	}
}
