package alerting

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

var start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func lifecycleSLO(t *testing.T, name string) *slo.SLO {
	t.Helper()
	set, diags := slo.LoadBytes("spec.yaml", []byte(`version: burnwatch/v1
team: checkout
slos:
  - name: `+name+`
    service: checkout
    objective: 99.9
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}
        threshold: 2s
`))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return set.SLOs[0]
}

// eval is an SLO's evaluation in a lifecycle table: its state and the
// tiers whose rules hold.
type eval struct {
	slo    *slo.SLO
	state  burnrate.State
	firing []slo.Severity
}

func (e eval) status(at time.Time) burnrate.Status {
	st := burnrate.Status{SLO: e.slo, At: at, State: e.state, Budget: burnrate.Budget{Remaining: 0.5}}
	if e.state == burnrate.StateError {
		st.Reason = "query failed"
	}
	for _, w := range burnrate.Policy(e.slo) {
		a := burnrate.AlertStatus{Window: w, LongBurnRate: 1, ShortBurnRate: 1}
		for _, f := range e.firing {
			if f == w.Severity {
				a.Firing, a.LongBurnRate, a.ShortBurnRate = true, w.Factor*2, w.Factor*2
			}
		}
		st.Alerts = append(st.Alerts, a)
	}
	return st
}

func describe(tr transition) string {
	s := fmt.Sprintf("%s %s %s", tr.incident.Kind, tr.status, tr.incident.Severity)
	if tr.repeat {
		s += " repeat"
	}
	if tr.incident.EndReason != "" {
		s += " " + string(tr.incident.EndReason)
	}
	return s
}

func TestLifecycleStep(t *testing.T) {
	a, b := lifecycleSLO(t, "a"), lifecycleSLO(t, "b")
	ok := func(s *slo.SLO, f ...slo.Severity) eval { return eval{s, burnrate.StateOK, f} }
	noData := func(s *slo.SLO) eval { return eval{s, burnrate.StateNoData, nil} }
	failed := func(s *slo.SLO) eval { return eval{s, burnrate.StateError, nil} }
	p := policy{repeat: time.Hour, failingCycles: 2, failingSeverity: slo.Ticket, noDataAfter: 10 * time.Minute}
	type cycle struct {
		at    time.Duration
		evals []eval
		want  string
	}
	tests := []struct {
		name   string
		cycles []cycle
	}{
		{"a ticket, then the page takes over and the ticket closes as escalated", []cycle{
			{0, []eval{ok(a, slo.Ticket)}, "burn firing ticket"},
			{time.Minute, []eval{ok(a, slo.Page, slo.Ticket)}, "burn resolved ticket escalated; burn firing page"},
			{2 * time.Minute, []eval{ok(a)}, "burn resolved page recovered"},
		}},
		{"a page that ends while the ticket rule holds hands over to a ticket", []cycle{
			{0, []eval{ok(a, slo.Page)}, "burn firing page"},
			{time.Minute, []eval{ok(a, slo.Ticket)}, "burn resolved page recovered; burn firing ticket"},
		}},
		{"a firing incident repeats after the repeat interval", []cycle{
			{0, []eval{ok(a, slo.Page)}, "burn firing page"},
			{59 * time.Minute, []eval{ok(a, slo.Page)}, ""},
			{time.Hour, []eval{ok(a, slo.Page)}, "burn firing page repeat"},
		}},
		{"missing data holds the page and opens a no-data incident after its delay", []cycle{
			{0, []eval{ok(a, slo.Page)}, "burn firing page"},
			{time.Minute, []eval{noData(a)}, ""},
			{10 * time.Minute, []eval{noData(a)}, ""},
			{11 * time.Minute, []eval{noData(a)}, "no_data firing ticket"},
			{12 * time.Minute, []eval{ok(a)}, "no_data resolved ticket recovered; burn resolved page recovered"},
		}},
		{"missing data of one SLO does not touch another", []cycle{
			{0, []eval{ok(a, slo.Page), ok(b, slo.Page)}, "burn firing page; burn firing page"},
			{time.Minute, []eval{noData(a), ok(b)}, "burn resolved page recovered"},
		}},
		{"failed evaluations resolve nothing and open one evaluation-failing incident", []cycle{
			{0, []eval{ok(a, slo.Page), ok(b)}, "burn firing page"},
			{time.Minute, []eval{failed(a), failed(b)}, ""},
			{2 * time.Minute, []eval{failed(a), failed(b)}, "evaluation_failing firing ticket"},
			{3 * time.Minute, []eval{ok(a, slo.Page), ok(b)}, "evaluation_failing resolved ticket recovered"},
		}},
		{"an SLO removed from the specs closes its incidents as removed", []cycle{
			{0, []eval{ok(a, slo.Page), ok(b)}, "burn firing page"},
			{time.Minute, []eval{ok(b)}, "burn resolved page slo_removed"},
			{2 * time.Minute, []eval{ok(b)}, ""},
		}},
		{"an SLO removed while it had no data closes both its incidents as removed", []cycle{
			{0, []eval{noData(a)}, ""},
			{10 * time.Minute, []eval{noData(a)}, "no_data firing ticket"},
			{11 * time.Minute, nil, "no_data resolved ticket slo_removed"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newState()
			for _, c := range tt.cycles {
				var sts []burnrate.Status
				for _, e := range c.evals {
					sts = append(sts, e.status(start.Add(c.at)))
				}
				before := len(s.open)
				next, trs := step(s, sts, p, start.Add(c.at))
				if len(s.open) != before {
					t.Fatalf("at +%s the step changed the state it was given", c.at)
				}
				var got []string
				for _, tr := range trs {
					got = append(got, describe(tr))
				}
				if strings.Join(got, "; ") != c.want {
					t.Errorf("at +%s: transitions %q, want %q", c.at, strings.Join(got, "; "), c.want)
				}
				s = next
			}
		})
	}
}

func TestAHeldIncidentSaysSinceWhenDataIsMissing(t *testing.T) {
	a := lifecycleSLO(t, "a")
	p := policy{repeat: time.Hour, failingCycles: 3, failingSeverity: slo.Ticket, noDataAfter: -1}
	s, _ := step(newState(), []burnrate.Status{eval{a, burnrate.StateOK, []slo.Severity{slo.Page}}.status(start)}, p, start)
	for i := 1; i <= 3; i++ {
		at := start.Add(time.Duration(i) * time.Minute)
		var trs []transition
		s, trs = step(s, []burnrate.Status{eval{a, burnrate.StateNoData, nil}.status(at)}, p, at)
		if len(trs) != 0 {
			t.Errorf("at +%dm with no-data incidents disabled: transitions %v", i, trs)
		}
	}
	inc := s.open[burnKey(a.ID)]
	if want := start.Add(time.Minute); !inc.NoDataSince.Equal(want) {
		t.Errorf("held incident: no data since %v, want %v", inc.NoDataSince, want)
	}
	s, _ = step(s, []burnrate.Status{eval{a, burnrate.StateOK, []slo.Severity{slo.Page}}.status(start.Add(5 * time.Minute))}, p, start.Add(5*time.Minute))
	if inc := s.open[burnKey(a.ID)]; !inc.NoDataSince.IsZero() {
		t.Errorf("data came back but the incident still says no data since %v", inc.NoDataSince)
	}
}

func TestAPageThatTakesOverKeepsTheTicketsTraceLinks(t *testing.T) {
	a := lifecycleSLO(t, "a")
	p := policy{repeat: time.Hour, failingCycles: 3, failingSeverity: slo.Ticket, noDataAfter: -1}
	s, _ := step(newState(), []burnrate.Status{eval{a, burnrate.StateOK, []slo.Severity{slo.Ticket}}.status(start)}, p, start)
	ticket := s.open[burnKey(a.ID)]
	ticket.Traces = []TraceLink{{TraceID: "slow", Value: 3.2, Reason: "latency 3.2s > 2s"}}
	s.open[burnKey(a.ID)] = ticket
	at := start.Add(time.Minute)
	s, trs := step(s, []burnrate.Status{eval{a, burnrate.StateOK, []slo.Severity{slo.Page, slo.Ticket}}.status(at)}, p, at)
	page := s.open[burnKey(a.ID)]
	if page.Severity != slo.Page || len(page.Traces) != 1 || page.Traces[0].TraceID != "slow" {
		t.Errorf("page after the takeover %+v, want it with the ticket's trace", page)
	}
	if len(trs) != 2 || len(trs[1].incident.Traces) != 1 {
		t.Errorf("the page's trigger does not carry the ticket's trace: %+v", trs)
	}
}
