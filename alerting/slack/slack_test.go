package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/receivertest"
	"github.com/burnwatch/burnwatch/alerting/slack"
	"github.com/burnwatch/burnwatch/alerting/transport"
	"github.com/burnwatch/burnwatch/internal/secret"
)

// token is the secret part of the webhook URL.
const token = "xoxwebhooksecret0000aaaabbbb"

func newReceiver(t *testing.T, baseURL string, client *http.Client) alerting.Receiver {
	t.Helper()
	r, err := slack.New("team-checkout", slack.Config{
		WebhookURL: secret.Literal(baseURL + "/services/T0001/B0001/" + token),
		Channel:    "#checkout-oncall",
		Username:   "burnwatch",
		IconEmoji:  ":fire:",
	}, transport.Options{Client: client, Now: receivertest.Clock})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestMessagesMatchTheGoldenFiles(t *testing.T) {
	for _, f := range receivertest.Fixtures() {
		t.Run(f.Name, func(t *testing.T) {
			srv := receivertest.NewServer(t, nil) // 200 "ok", like Slack
			retryable, err := newReceiver(t, srv.URL, nil).Notify(context.Background(), f.Notification)
			if err != nil || retryable {
				t.Fatalf("Notify = %v, %v; want false, nil", retryable, err)
			}
			req := srv.Only(t)
			if req.Method != http.MethodPost || req.Path != "/services/T0001/B0001/"+token || req.Query != "" {
				t.Errorf("request = %s %s?%s, want POST /services/T0001/B0001/<token>", req.Method, req.Path, req.Query)
			}
			if got := req.Header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
			receivertest.Golden(t, f.Name, req.Body)
		})
	}
}

// message is the part of a Slack message the tests inspect.
type message struct {
	Text   string `json:"text"`
	Blocks []struct {
		Type     string       `json:"type"`
		Text     *textObject  `json:"text"`
		Fields   []textObject `json:"fields"`
		Elements []textObject `json:"elements"`
	} `json:"blocks"`
}

type textObject struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Verbatim bool   `json:"verbatim"`
}

// mrkdwnTexts returns every mrkdwn text of m, the fallback text included.
func (m message) mrkdwnTexts() []textObject {
	out := []textObject{{Type: "mrkdwn", Text: m.Text, Verbatim: true}}
	for _, b := range m.Blocks {
		out = append(out, b.Fields...)
		out = append(out, b.Elements...)
		if b.Text != nil && b.Text.Type == "mrkdwn" {
			out = append(out, *b.Text)
		}
	}
	return out
}

func decode(t *testing.T, cfg slack.Config, n *alerting.Notification) message {
	t.Helper()
	body, err := slack.Body(cfg, n)
	if err != nil {
		t.Fatal(err)
	}
	var m message
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// huge is a notification with more of everything than a message can hold.
func huge() *alerting.Notification {
	n := receivertest.Hostile()
	n.Error = strings.Repeat("<error & more> ", 400)
	n.Annotations, n.Labels = map[string]string{}, map[string]string{}
	for i := range 300 {
		n.Annotations[fmt.Sprintf("note_%03d", i)] = strings.Repeat("&", 40)
		n.Labels[fmt.Sprintf("label_%03d", i)] = strings.Repeat("<", 40)
	}
	for i := range 40 {
		n.Windows = append(n.Windows, alerting.BurnWindow{Long: strings.Repeat("1h", 100), Short: "5m", Factor: 14.4, LongBurnRate: float64(i)})
		n.Traces = append(n.Traces, alerting.TraceLink{TraceID: fmt.Sprintf("%032x", i), URL: "https://jaeger.example.com/trace/" + strings.Repeat("a", 900), Reason: strings.Repeat("&", 300)})
	}
	n.SLO.ID = strings.Repeat("checkout/requests-latency/", 10)
	return n
}

func TestMessagesStayWithinSlacksLimits(t *testing.T) {
	fixtures := append(receivertest.Fixtures(), receivertest.Fixture{Name: "huge", Notification: huge()})
	for _, f := range fixtures {
		t.Run(f.Name, func(t *testing.T) {
			m := decode(t, slack.Config{}, f.Notification)
			if len(m.Blocks) > 50 {
				t.Errorf("%d blocks, want at most 50", len(m.Blocks))
			}
			if m.Blocks[0].Type != "header" || m.Blocks[0].Text.Type != "plain_text" {
				t.Fatalf("first block = %+v, want a plain_text header", m.Blocks[0])
			}
			if h := m.Blocks[0].Text.Text; len(h) > 150 || !utf8.ValidString(h) {
				t.Errorf("header has %d bytes, want at most 150 of valid UTF-8: %q", len(h), h)
			}
			for _, b := range m.Blocks {
				if len(b.Fields) > 10 {
					t.Errorf("a section has %d fields, want at most 10", len(b.Fields))
				}
				for _, f := range b.Fields {
					if len(f.Text) > 2000 {
						t.Errorf("a field has %d bytes, want at most 2000", len(f.Text))
					}
				}
			}
			for _, tx := range m.mrkdwnTexts() {
				if len(tx.Text) > 3000 || tx.Text == "" || !utf8.ValidString(tx.Text) {
					t.Errorf("a text has %d bytes, want 1 to 3000 of valid UTF-8: %.80q…", len(tx.Text), tx.Text)
				}
			}
		})
	}
}

func TestTruncatedTextsSayTheyWereCut(t *testing.T) {
	m := decode(t, slack.Config{}, huge())
	var notes int
	for _, tx := range m.mrkdwnTexts() {
		if strings.Contains(tx.Text, "(truncated)_") {
			notes++
		}
	}
	if notes < 5 {
		t.Errorf("%d texts say they were truncated, want the summary, error, description, burn rates, traces, annotations and labels to", notes)
	}
}

// ourLink is a link burnwatch itself writes: an http(s) URL without raw
// "<", ">", "|" or spaces, and a label without "<" or ">".
var ourLink = regexp.MustCompile(`<https?://[^<>|\s]+\|[^<>]*>`)

var entity = regexp.MustCompile(`&(amp|lt|gt);`)

func TestHostileTextArrivesEscaped(t *testing.T) {
	for _, n := range []*alerting.Notification{receivertest.Hostile(), huge()} {
		m := decode(t, slack.Config{}, n)
		for _, tx := range m.mrkdwnTexts() {
			if !tx.Verbatim {
				t.Errorf("mrkdwn text is not verbatim, Slack would parse mentions in it: %.80q", tx.Text)
			}
			rest := ourLink.ReplaceAllString(tx.Text, "")
			if strings.ContainsAny(rest, "<>") {
				t.Errorf("text has a raw < or > outside burnwatch's links: %q", rest)
			}
			if strings.Count(rest, "&") != len(entity.FindAllString(rest, -1)) {
				t.Errorf("text has a raw & or a broken entity: %q", rest)
			}
			for _, l := range ourLink.FindAllString(tx.Text, -1) {
				if strings.Contains(l, "evil.example") || strings.Contains(l, "javascript:") {
					t.Errorf("hostile text made a link: %s", l)
				}
			}
		}
	}
	m := decode(t, slack.Config{}, receivertest.Hostile())
	all := ""
	for _, tx := range m.mrkdwnTexts() {
		all += tx.Text + "\n"
	}
	for _, want := range []string{
		"&lt;!channel&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &lt;https://evil.example|click me&gt;", // summary, description, labels, annotations
		"&lt;!here&gt; &lt;@U024BE7LH&gt; latency &amp; more",                                                          // a trace reason
		"<https://tempo.example.com/explore?q=a%7Cb%3Ec&amp;d=%3C!here%3E|trace 4bf92f35…>",                            // a URL that tried to end the link
		"• trace &lt;!channe… error",                                                                                   // a javascript: URL is not linked
	} {
		if !strings.Contains(all, want) {
			t.Errorf("message does not contain %q", want)
		}
	}
}

func TestTheHeaderSaysWhatHappened(t *testing.T) {
	ticket := receivertest.FiringPage()
	ticket.Severity = "ticket"
	noData := receivertest.EvaluationFailing()
	noData.Kind = alerting.KindNoData
	resolvedFailing := receivertest.EvaluationFailing()
	resolvedFailing.Status = alerting.Resolved
	tests := []struct {
		name string
		n    *alerting.Notification
		want string
	}{
		{"A page reads PAGE firing.", receivertest.FiringPage(), "🔥 PAGE firing: checkout/requests-latency"},
		{"A reminder reads still firing.", receivertest.FiringRepeat(), "🔥 PAGE still firing: checkout/requests-latency"},
		{"A ticket reads TICKET firing.", ticket, "⚠️ TICKET firing: checkout/requests-latency"},
		{"A resolved incident reads Resolved.", receivertest.Resolved(), "✅ Resolved: checkout/requests-latency"},
		{"A failing evaluation says so.", receivertest.EvaluationFailing(), "⚠️ TICKET evaluation failing: payments/authorize-errors"},
		{"Missing data says so.", noData, "⚠️ TICKET no data: payments/authorize-errors"},
		{"A failing evaluation that recovered reads Evaluating again.", resolvedFailing, "✅ Evaluating again: payments/authorize-errors"},
		{"An update reads as an update of the page, with trace links found.", receivertest.Updated(), "🔎 PAGE update, trace links found: checkout/requests-latency"},
		{"An escalated ticket reads escalated to page, not resolved.", receivertest.Escalated(), "⏫ Escalated to page: checkout/requests-latency"},
		{"A removed SLO says so, not resolved.", receivertest.SLORemoved(), "🗑️ Closed, SLO removed from the specs: checkout/requests-latency"},
		{"An incident without data reads held open.", receivertest.HeldNoData(), "🔥 PAGE held open, no data: checkout/requests-latency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decode(t, slack.Config{}, tt.n).Blocks[0].Text.Text; got != tt.want {
				t.Errorf("header = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDeliveryFailures(t *testing.T) {
	receivertest.TestDeliveryFailures(t, newReceiver, token)
}

func TestEchoedSecretsAreRedacted(t *testing.T) {
	receivertest.TestEchoedSecretsAreRedacted(t, newReceiver, token)
}

func TestTheMessageSaysWhatTheHeaderCannot(t *testing.T) {
	tests := []struct {
		name    string
		n       *alerting.Notification
		want    string
		mustNot string
	}{
		{"An update names the incident it follows.", receivertest.Updated(),
			"Follow-up to the page that began 2026-03-01 11:02 UTC: trace links found since it was sent. Same incident, still firing.", ""},
		{"An escalation is no recovery.", receivertest.Escalated(), "Escalated to page: the burn got worse, this is no recovery.", "✅"},
		{"A removed SLO is no recovery.", receivertest.SLORemoved(), "SLO removed from the specs", "✅"},
		{"An incident without data is held open, not resolved.", receivertest.HeldNoData(), "*No data since 2026-03-01 11:41 UTC*; held open, not resolved.", ""},
		{"The traces note stands where the links would.", receivertest.NoTraceYet(),
			"*Exemplar traces* (worst first)\n_no exemplar above 300ms in Prometheus yet; the Collector flushes every 60s_", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := decode(t, slack.Config{}, tt.n)
			all := m.Blocks[0].Text.Text + "\n"
			for _, tx := range m.mrkdwnTexts() {
				all += tx.Text + "\n"
			}
			if !strings.Contains(all, tt.want) {
				t.Errorf("message does not say %q:\n%s", tt.want, all)
			}
			if tt.mustNot != "" && strings.Contains(all, tt.mustNot) {
				t.Errorf("message says %q:\n%s", tt.mustNot, all)
			}
		})
	}
}

func TestTheObjectiveReadsAsTheSpecWroteIt(t *testing.T) {
	written := 99.9 // percent, as in the spec; the division below is what loading does
	n := receivertest.FiringPage()
	n.SLO.Objective = written / 100
	body, err := slack.Body(slack.Config{}, n)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `*Objective*\n99.9% over 30d`) {
		t.Errorf("message does not show the objective as 99.9%%: %s", body)
	}
}

func TestABudgetCountedOverLessThanThePeriodSaysOverWhat(t *testing.T) {
	tests := []struct {
		name string
		n    *alerting.Notification
		want string
	}{
		{"A young Prometheus's budget says it covers two hours.", receivertest.YoungPrometheus(),
			"*Budget remaining*\n-6891.0% (overspent) over the last 2h of the 30d period"},
		{"A budget over the whole period is a bare share.", receivertest.FiringPage(), "*Budget remaining*\n42.3%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := decode(t, slack.Config{}, tt.n)
			var found []string
			for _, o := range m.mrkdwnTexts() {
				if strings.HasPrefix(o.Text, "*Budget remaining*") {
					found = append(found, o.Text)
				}
			}
			if len(found) != 1 || found[0] != tt.want {
				t.Errorf("budget fields %q, want [%q]", found, tt.want)
			}
		})
	}
}
