package demo

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
)

// slos are the ids of the example SLOs in specs/.
var slos = []string{
	"checkout/requests-latency", "checkout/requests-availability", "payments/authorize-errors",
	"order-consumer/messages-processed", "search/requests-availability",
}

// TestTheDemoPagesWithATraceLinkThenTicketsAndResolves runs the whole demo
// (daemon, embedded engine, workload, inbox, trace view) on simulated time,
// an hour behind the wall clock so that the dispatcher delivers at once.
// The page reaches the inbox within three simulated minutes with a link to
// the waterfall of a slow trace; the ticket follows; both resolve; each
// notification comes from the evaluation the script expects it from.
func TestTheDemoPagesWithATraceLinkThenTicketsAndResolves(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now().Add(-time.Hour).Truncate(10 * time.Second)
	listening := make(chan string, 1)
	began := time.Now()
	d, err := New(ctx, Options{Listen: "127.0.0.1:0", Start: start, Simulated: true, Listening: listening,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("started in %s", time.Since(began).Round(time.Millisecond))
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		if err := d.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	addr := <-listening
	if want := "http://" + addr; d.URL() != want {
		t.Errorf("URL %q, want %q", d.URL(), want)
	}

	if _, err := d.Advance(ctx, start); err != nil {
		t.Fatal(err)
	}
	// The backfilled checkout incident is corrected: it spent no budget,
	// and the burn-down chart shades it with its reason.
	var latency struct {
		Budget struct {
			Remaining float64 `json:"remaining"`
		} `json:"budget"`
	}
	if err := json.Unmarshal([]byte(get(t, d.URL()+"/api/v1/slos/checkout/requests-latency", http.StatusOK)), &latency); err != nil {
		t.Fatal(err)
	}
	// The incident alone would spend 17% of the budget (30% of requests
	// slow for 25 minutes, against 43 minutes of budget over 30 days); the
	// baseline's few slow requests spend about 5%.
	if latency.Budget.Remaining < 0.9 {
		t.Errorf("checkout latency has %.1f%% of its budget left before the live incident; the corrected past incident should have spent none", latency.Budget.Remaining*100)
	}
	if detail := get(t, d.URL()+"/slo/checkout/requests-latency", http.StatusOK); !strings.Contains(detail, `class="correction"`) || !strings.Contains(detail, "card gateway maintenance") {
		t.Error("the checkout latency charts do not shade the corrected incident")
	}
	overview := get(t, d.URL()+"/", http.StatusOK)
	for _, id := range slos {
		if !strings.Contains(overview, `data-slo="`+id+`"`) {
			t.Errorf("the dashboard does not list %s", id)
		}
	}

	script := d.Script()
	var page Delivered
	for at := 10 * time.Second; at <= script.End()+30*time.Second; at += 10 * time.Second {
		res, err := d.Advance(ctx, start.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range res.Statuses {
			if st.Reason != "" {
				t.Fatalf("%s at %s: %s: %s", st.SLO.ID, Offset(at), st.State, st.Reason)
			}
		}
		if page.Notification.ID == "" && at == 3*time.Minute {
			page = waitFor(t, d.Inbox(), "checkout/requests-latency", alerting.KindBurn, "page", alerting.Firing)
			checkTraceLink(t, d, page.Notification)
			// The checkout spec's gate denies deploys while it pages.
			if gate := get(t, d.URL()+"/api/v1/gate?service=checkout", http.StatusOK); !strings.Contains(gate, `"decision":"deny"`) || !strings.Contains(gate, "it pages") {
				t.Errorf("the gate does not deny checkout deploys while it pages: %s", gate)
			}
		}
	}

	for _, want := range script.Expect {
		got := waitFor(t, d.Inbox(), want.SLO, want.Kind, want.Severity, want.Status)
		at := got.Notification.EvaluatedAt.Sub(start)
		t.Logf("%s: %s %s %s", Offset(at), want.Severity, want.SLO, want.Status)
		if at != want.At {
			t.Errorf("%s %s %s at %s, want %s", want.Severity, want.SLO, want.Status, Offset(at), Offset(want.At))
		}
	}
	// Each team's weekly report reaches the inbox too, once.
	ctxReport, cancelReport := context.WithTimeout(ctx, 20*time.Second)
	defer cancelReport()
	report, err := d.Inbox().Wait(ctxReport, func(n *alerting.Notification) bool {
		return n.Kind == alerting.KindReport && n.Report != nil && n.Report.Team == "checkout"
	})
	if err != nil {
		t.Fatalf("no weekly report for checkout in the inbox: %v", err)
	}
	if r := report.Notification.Report; r.Period != "week" || len(r.SLOs) != 2 || !strings.Contains(report.Slack, "Attainment against the objective") {
		t.Errorf("checkout's report: %+v\n%s", r, report.Slack)
	}
	var alerts, reports int
	for _, n := range d.Inbox().Notifications() {
		if n.Notification.Kind == alerting.KindReport {
			reports++
		} else {
			alerts++
		}
	}
	if teams := 4; reports != teams {
		t.Errorf("%d reports in the inbox, want one per team (%d)", reports, teams)
	}
	if alerts != len(script.Expect) {
		for _, n := range d.Inbox().Notifications() {
			t.Logf("got %s %s %s at %s", n.Notification.Severity, n.Notification.SLO.ID, n.Notification.Status, Offset(n.Notification.EvaluatedAt.Sub(start)))
		}
		t.Errorf("%d notifications, want %d", alerts, len(script.Expect))
	}

	inbox := get(t, d.InboxURL(), http.StatusOK)
	for _, want := range []string{"checkout/requests-latency", "order-consumer/messages-processed", "Slack message", "PagerDuty event", "&#34;routing_key&#34;", "/demo/traces/"} {
		if !strings.Contains(inbox, want) {
			t.Errorf("the inbox page does not show %q", want)
		}
	}
	get(t, d.URL()+"/demo/traces/00000000000000000000000000000000", http.StatusNotFound)
}

// waitFor waits for the dispatcher to deliver a notification to the inbox.
func waitFor(t *testing.T, inbox *Inbox, sloID string, kind alerting.Kind, severity string, status alerting.Status) Delivered {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	d, err := inbox.Wait(ctx, func(n *alerting.Notification) bool {
		return n.SLO.ID == sloID && n.Kind == kind && n.Severity == severity && n.Status == status
	})
	if err != nil {
		t.Fatalf("no %s %s %s %s in the inbox: %v", kind, severity, sloID, status, err)
	}
	return d
}

var traceSeconds = regexp.MustCompile(`data-trace-seconds="([0-9.]+)"`)

// checkTraceLink opens a page's first trace link and checks that it shows
// the waterfall of a slow trace whose slow span is the card gateway call.
func checkTraceLink(t *testing.T, d *Demo, n alerting.Notification) {
	t.Helper()
	if len(n.Traces) == 0 {
		t.Fatalf("the page has no trace link: %+v", n)
	}
	link := n.Traces[0].URL
	if !strings.HasPrefix(link, d.URL()+"/demo/traces/") {
		t.Fatalf("trace link %q does not open the demo's trace view", link)
	}
	body := get(t, link, http.StatusOK)
	m := traceSeconds.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the trace view has no waterfall:\n%s", body)
	}
	if s, _ := strconv.ParseFloat(m[1], 64); s <= 2 {
		t.Errorf("the linked trace took %.3f s, want a slow one (over 2 s)", s)
	}
	for _, want := range []string{`class="bar hot"`, "POST card-gateway /v1/charges", "the card gateway answered after"} {
		if !strings.Contains(body, want) {
			t.Errorf("the waterfall does not show %q", want)
		}
	}
}

func get(t *testing.T, url string, status int) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d:\n%s", url, resp.StatusCode, status, body)
	}
	return string(body)
}
