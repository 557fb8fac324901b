package alertmanager_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/alertmanager"
	"github.com/burnwatch/burnwatch/alerting/receivertest"
	"github.com/burnwatch/burnwatch/alerting/transport"
	"github.com/burnwatch/burnwatch/internal/secret"
)

const bearerToken = "am-token-4f1d9e0c7b2a"

func newReceiver(t *testing.T, baseURL string, client *http.Client) alerting.Receiver {
	t.Helper()
	r, err := alertmanager.New("alertmanager-main", alertmanager.Config{
		URLs:        []string{baseURL + "/alertmanager"},
		BearerToken: secret.Literal(bearerToken),
	}, transport.Options{Client: client, Now: receivertest.Clock})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// alert is the part of a posted alert the tests inspect.
type alert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
}

func decode(t *testing.T, body []byte) alert {
	t.Helper()
	var alerts []alert
	if err := json.Unmarshal(body, &alerts); err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 1 {
		t.Fatalf("body has %d alerts, want 1", len(alerts))
	}
	return alerts[0]
}

func TestAlertsMatchTheGoldenFiles(t *testing.T) {
	for _, f := range receivertest.Fixtures() {
		t.Run(f.Name, func(t *testing.T) {
			srv := receivertest.NewServer(t, nil)
			retryable, err := newReceiver(t, srv.URL, nil).Notify(context.Background(), f.Notification)
			if err != nil || retryable {
				t.Fatalf("Notify = %v, %v; want false, nil", retryable, err)
			}
			req := srv.Only(t)
			if req.Method != http.MethodPost || req.Path != "/alertmanager/api/v2/alerts" {
				t.Errorf("request = %s %s, want POST /alertmanager/api/v2/alerts", req.Method, req.Path)
			}
			for k, want := range map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + bearerToken} {
				if got := req.Header.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			receivertest.Golden(t, f.Name, req.Body)
		})
	}
}

func TestAlertTimes(t *testing.T) {
	now := receivertest.Now
	endsLater := receivertest.Resolved()
	endsLater.EndsAt = now.Add(time.Hour)
	startsLater := receivertest.Resolved()
	startsLater.StartsAt, startsLater.EndsAt = now.Add(time.Hour), now.Add(-time.Minute)
	tests := []struct {
		name       string
		cfg        alertmanager.Config
		n          *alerting.Notification
		wantStarts time.Time
		wantEnds   time.Time
	}{
		{"A firing alert expires after four default resend intervals.", alertmanager.Config{}, receivertest.FiringPage(), receivertest.FiringPage().StartsAt, now.Add(4 * time.Minute)},
		{"A firing alert expires after four configured resend intervals.", alertmanager.Config{ResendInterval: model.Duration(5 * time.Minute)}, receivertest.FiringPage(), receivertest.FiringPage().StartsAt, now.Add(20 * time.Minute)},
		{"A resolved alert ends when the incident ended.", alertmanager.Config{}, receivertest.Resolved(), receivertest.Resolved().StartsAt, time.Date(2026, 3, 1, 11, 58, 0, 0, time.UTC)},
		{"An escalated ticket ends when the page took over.", alertmanager.Config{}, receivertest.Escalated(), receivertest.Escalated().StartsAt, time.Date(2026, 3, 1, 11, 2, 0, 0, time.UTC)},
		{"An alert of a removed SLO ends when it was removed.", alertmanager.Config{}, receivertest.SLORemoved(), receivertest.SLORemoved().StartsAt, time.Date(2026, 3, 1, 11, 40, 0, 0, time.UTC)},
		{"An update is the firing alert again, expiring like it.", alertmanager.Config{}, receivertest.Updated(), receivertest.Updated().StartsAt, now.Add(4 * time.Minute)},
		{"A resolved alert never ends in the future.", alertmanager.Config{}, endsLater, endsLater.StartsAt, now},
		{"A resolved alert never starts after it ends.", alertmanager.Config{}, startsLater, now.Add(-time.Minute), now.Add(-time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.URLs = []string{"http://127.0.0.1:9093"}
			body, err := alertmanager.Body(tt.cfg, tt.n, now)
			if err != nil {
				t.Fatal(err)
			}
			a := decode(t, body)
			if !a.StartsAt.Equal(tt.wantStarts) || !a.EndsAt.Equal(tt.wantEnds) {
				t.Errorf("startsAt, endsAt = %s, %s; want %s, %s", a.StartsAt, a.EndsAt, tt.wantStarts, tt.wantEnds)
			}
		})
	}
}

func TestLabels(t *testing.T) {
	named := receivertest.FiringPage()
	named.Labels["alertname"] = "CheckoutRequestsLatency"
	named.Labels["severity"] = "critical"
	tests := []struct {
		name string
		cfg  alertmanager.Config
		n    *alerting.Notification
		want map[string]string
	}{
		{"A burn alert is named SLOBurnRate and carries the SLO's and spec's labels.", alertmanager.Config{}, receivertest.FiringPage(), map[string]string{
			"alertname": "SLOBurnRate", "slo": "checkout/requests-latency", "service": "checkout", "team": "checkout-team",
			"severity": "page", "kind": "burn", "tier": "1", "routing": "checkout-oncall",
		}},
		{"The configured alert name replaces the default.", alertmanager.Config{AlertName: "BurnwatchBurn"}, receivertest.FiringPage(), map[string]string{
			"alertname": "BurnwatchBurn", "slo": "checkout/requests-latency", "service": "checkout", "team": "checkout-team",
			"severity": "page", "kind": "burn", "tier": "1", "routing": "checkout-oncall",
		}},
		{"The spec's labels win, alertname and severity included.", alertmanager.Config{}, named, map[string]string{
			"alertname": "CheckoutRequestsLatency", "slo": "checkout/requests-latency", "service": "checkout", "team": "checkout-team",
			"severity": "critical", "kind": "burn", "tier": "1", "routing": "checkout-oncall",
		}},
		{"A failing evaluation has its own alert name and no empty labels.", alertmanager.Config{}, receivertest.EvaluationFailing(), map[string]string{
			"alertname": "SLOEvaluationFailing", "slo": "payments/authorize-errors", "service": "payments", "team": "payments-team",
			"severity": "ticket", "kind": "evaluation_failing",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.URLs = []string{"http://127.0.0.1:9093"}
			body, err := alertmanager.Body(tt.cfg, tt.n, receivertest.Now)
			if err != nil {
				t.Fatal(err)
			}
			got := decode(t, body).Labels
			if len(got) != len(tt.want) {
				t.Errorf("labels = %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("label %s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestEveryPeerOfAClusterGetsTheAlert(t *testing.T) {
	ok := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }
	fail := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(code)
			_, _ = io.WriteString(w, "peer says "+http.StatusText(code))
		}
	}
	tests := []struct {
		name          string
		peers         []http.HandlerFunc
		wantErr       []string // substrings; none means success
		wantRetryable bool
		wantLogged    bool
	}{
		{"Two peers that accept are a success.", []http.HandlerFunc{ok, ok}, nil, false, false},
		{"One peer that accepts is enough, and the other's failure is logged.", []http.HandlerFunc{fail(500), ok}, nil, false, true},
		{"Every peer failing with a 5xx is retryable and every failure is told.", []http.HandlerFunc{fail(500), fail(503)},
			[]string{"no peer accepted the alert", "500 Internal Server Error: peer says Internal Server Error", "503 Service Unavailable"}, true, false},
		{"A 400 and a 502 are retryable: the 502 peer may accept later.", []http.HandlerFunc{fail(400), fail(502)}, []string{"400 Bad Request", "502 Bad Gateway"}, true, false},
		{"Every peer refusing the alert is final.", []http.HandlerFunc{fail(400), fail(400)}, []string{"400 Bad Request"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var servers []*receivertest.Server
			var urls []string
			for _, h := range tt.peers {
				srv := receivertest.NewServer(t, h)
				servers, urls = append(servers, srv), append(urls, srv.URL)
			}
			var logs bytes.Buffer
			r, err := alertmanager.New("cluster", alertmanager.Config{
				URLs:      urls,
				BasicAuth: &alertmanager.BasicAuth{Username: "burnwatch", Password: secret.Literal("pa55-w0rd-for-am")},
			}, transport.Options{Now: receivertest.Clock, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			retryable, err := r.Notify(context.Background(), receivertest.FiringPage())
			for i, srv := range servers {
				req := srv.Only(t)
				if u, p, ok := (&http.Request{Header: req.Header}).BasicAuth(); !ok || u != "burnwatch" || p != "pa55-w0rd-for-am" {
					t.Errorf("peer %d: basic auth = %q, %q, %v", i, u, p, ok)
				}
			}
			if retryable != tt.wantRetryable {
				t.Errorf("retryable = %v, want %v", retryable, tt.wantRetryable)
			}
			if len(tt.wantErr) == 0 && err != nil {
				t.Errorf("Notify = %v, want success", err)
			}
			if len(tt.wantErr) > 0 && err == nil {
				t.Fatalf("Notify succeeded, want an error")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if got := strings.Contains(logs.String(), "level=WARN"); got != tt.wantLogged {
				t.Errorf("logged a warning = %v, want %v:\n%s", got, tt.wantLogged, logs.String())
			}
			for _, s := range []string{"pa55-w0rd-for-am", "YnVybndhdGNoOnBhNTUtdzByZC1mb3ItYW0="} {
				if strings.Contains(logs.String(), s) || (err != nil && strings.Contains(err.Error(), s)) {
					t.Errorf("the password leaks into an error or the log")
				}
			}
		})
	}
}

func TestResendIntervalDefaultsToAMinute(t *testing.T) {
	for _, tt := range []struct {
		configured, want time.Duration
	}{{0, time.Minute}, {30 * time.Second, 30 * time.Second}} {
		r, err := alertmanager.New("am", alertmanager.Config{URLs: []string{"http://127.0.0.1:9093"}, ResendInterval: model.Duration(tt.configured)}, transport.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.ResendInterval(); got != tt.want {
			t.Errorf("ResendInterval with %s configured = %s, want %s", tt.configured, got, tt.want)
		}
	}
}

func TestDeliveryFailures(t *testing.T) {
	receivertest.TestDeliveryFailures(t, newReceiver, bearerToken)
}

func TestEchoedSecretsAreRedacted(t *testing.T) {
	t.Run("a bearer token", func(t *testing.T) {
		receivertest.TestEchoedSecretsAreRedacted(t, newReceiver, bearerToken)
	})
	t.Run("basic auth", func(t *testing.T) {
		const user, password = "burnwatch", "pa55-w0rd-for-am"
		basic := func(t *testing.T, baseURL string, client *http.Client) alerting.Receiver {
			r, err := alertmanager.New("alertmanager-main", alertmanager.Config{
				URLs:      []string{baseURL},
				BasicAuth: &alertmanager.BasicAuth{Username: user, Password: secret.Literal(password)},
			}, transport.Options{Client: client, Now: receivertest.Clock})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		receivertest.TestEchoedSecretsAreRedacted(t, basic, password, secret.BasicAuth(user, password))
	})
}

func TestAnnotationsSayWhatHappened(t *testing.T) {
	written := 99.9 // percent, as in the spec; the division below is what loading does
	page := receivertest.FiringPage()
	page.SLO.Objective = written / 100
	tests := []struct {
		name   string
		n      *alerting.Notification
		want   map[string]string
		absent []string
	}{
		{"The objective reads as the spec wrote it.", page, map[string]string{"objective": "99.9% over 30d"}, []string{"end_reason", "no_data", "traces_note"}},
		{"An update carries the new trace links and none of the old.", receivertest.Updated(), map[string]string{
			"trace_1": receivertest.Updated().Traces[0].URL, "trace_2": receivertest.Updated().Traces[1].URL}, []string{"trace_3", "end_reason"}},
		{"An escalated ticket says so.", receivertest.Escalated(), map[string]string{"end_reason": "escalated to page"}, nil},
		{"A removed SLO says so.", receivertest.SLORemoved(), map[string]string{"end_reason": "SLO removed from the specs"}, nil},
		{"A recovery says so.", receivertest.Resolved(), map[string]string{"end_reason": "recovered"}, nil},
		{"An incident without data is held open.", receivertest.HeldNoData(), map[string]string{"no_data": "no data since 2026-03-01T11:41:30Z; held open, not resolved"}, nil},
		{"The traces note stands where the links would.", receivertest.NoTraceYet(), map[string]string{"traces_note": receivertest.NoTraceYet().TracesNote}, []string{"trace_1"}},
		{"A budget counted over less than the period says over what.", receivertest.YoungPrometheus(), map[string]string{
			"budget_remaining": "-6891.0% over the last 2h of the 30d period"}, nil},
		{"A budget over the whole period is a bare share.", page, map[string]string{"budget_remaining": "42.3%"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := alertmanager.Body(alertmanager.Config{URLs: []string{"http://127.0.0.1:9093"}}, tt.n, receivertest.Now)
			if err != nil {
				t.Fatal(err)
			}
			got := decode(t, body).Annotations
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("annotation %s = %q, want %q", k, got[k], v)
				}
			}
			for _, k := range tt.absent {
				if v, ok := got[k]; ok {
					t.Errorf("annotation %s = %q, want none", k, v)
				}
			}
		})
	}
}
