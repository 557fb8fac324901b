package demo

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/pagerduty"
	"github.com/burnwatch/burnwatch/alerting/receivertest"
	"github.com/burnwatch/burnwatch/alerting/slack"
	"github.com/burnwatch/burnwatch/internal/secret"
)

func TestTheInboxKeepsWhatSlackAndPagerDutyWouldHaveGot(t *testing.T) {
	inbox := NewInbox("http://127.0.0.1:8080", slog.New(slog.DiscardHandler))
	for _, n := range []*alerting.Notification{receivertest.FiringPage(), receivertest.Resolved()} {
		if retry, err := inbox.Notify(context.Background(), n); err != nil || retry {
			t.Fatalf("Notify: %v (retryable %v)", err, retry)
		}
	}
	got := inbox.Notifications()
	if len(got) != 2 || got[0].Notification.Status != alerting.Resolved || got[1].Notification.Status != alerting.Firing {
		t.Fatalf("want the resolve, then the page, newest first; got %d notifications", len(got))
	}
	page := receivertest.FiringPage()
	wantSlack, _ := slack.Body(slack.Config{WebhookURL: secret.Literal(placeholderSlackURL)}, page)
	wantPD, _ := pagerduty.Body(pagerduty.Config{RoutingKey: secret.Literal(placeholderRoutingKey), ClientURL: "http://127.0.0.1:8080"}, page)
	for _, tc := range []struct {
		name      string
		got, want string
	}{
		{"the Slack message", got[1].Slack, string(wantSlack)},
		{"the PagerDuty event", got[1].PagerDuty, string(wantPD)},
	} {
		if !sameJSON(t, tc.got, tc.want) {
			t.Errorf("%s:\n%s\nwant the receiver's body:\n%s", tc.name, tc.got, tc.want)
		}
		if !strings.Contains(tc.got, "\n  ") {
			t.Errorf("%s is not indented:\n%s", tc.name, tc.got)
		}
	}
}

func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatal(err)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

func TestWaitReturnsOnceAMatchingNotificationArrives(t *testing.T) {
	inbox := NewInbox("http://127.0.0.1:8080", slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go func() {
		time.Sleep(10 * time.Millisecond)
		inbox.Notify(ctx, receivertest.FiringRepeat())
		inbox.Notify(ctx, receivertest.Resolved())
	}()
	d, err := inbox.Wait(ctx, func(n *alerting.Notification) bool { return n.Status == alerting.Resolved })
	if err != nil || d.Notification.Status != alerting.Resolved {
		t.Fatalf("Wait: %v, %v", d.Notification.Status, err)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancelShort()
	if _, err := inbox.Wait(short, func(*alerting.Notification) bool { return false }); err == nil {
		t.Error("Wait for a notification that never comes returned no error")
	}
}

// TestThePagesEscapeWhatNotificationsCarry serves the inbox with a hostile
// notification and a trace view, and checks both render, escaped.
func TestThePagesEscapeWhatNotificationsCarry(t *testing.T) {
	inbox := NewInbox("http://127.0.0.1:8080", slog.New(slog.DiscardHandler))
	if _, err := inbox.Notify(context.Background(), receivertest.Hostile()); err != nil {
		t.Fatal(err)
	}
	traces := newTraceStore(10)
	traces.add(checkoutTrace("0af7651916cd43dd8448eb211c80319c", testStart.Add(time.Minute), 3.2, slowed))
	p, err := newPages(inbox, traces, DefaultScript(), testStart, func() time.Time { return testStart.Add(2 * time.Minute) }, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	p.mount(r)
	srv := httptest.NewServer(r)
	defer srv.Close()
	for _, tc := range []struct {
		name, path string
		status     int
		want       []string
		never      []string
	}{
		{"the inbox shows the hostile notification escaped", "/demo/inbox", http.StatusOK,
			[]string{"&lt;script&gt;alert(1)&lt;/script&gt;", "Slack message", "PagerDuty event", "1m50s"},
			[]string{"<script>"}},
		{"the trace view draws the waterfall", "/demo/traces/0af7651916cd43dd8448eb211c80319c", http.StatusOK,
			[]string{`data-trace-seconds="3.200"`, `class="bar hot"`, "POST card-gateway /v1/charges", "the card gateway answered after 3.14 s"}, nil},
		{"an unknown trace is not found", "/demo/traces/ffffffffffffffffffffffffffffffff", http.StatusNotFound,
			[]string{"Trace not found"}, nil},
		{"the stylesheet is served", "/demo/static/demo.css", http.StatusOK, []string{"svg rect.bar.hot"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			for _, s := range tc.want {
				if !strings.Contains(string(body), s) {
					t.Errorf("the page does not contain %q", s)
				}
			}
			for _, s := range tc.never {
				if strings.Contains(string(body), s) {
					t.Errorf("the page contains %q", s)
				}
			}
		})
	}
}
