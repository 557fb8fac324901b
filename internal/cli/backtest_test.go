package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/demo"
)

func TestBacktestRejectsBadUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"no source", []string{"--specs", "specs"}},
		{"two sources", []string{"--specs", "specs", "--prometheus-url", "http://127.0.0.1:9", "--tsdb", "data"}},
		{"no specs", []string{"--tsdb", "data"}},
		{"a bad format", []string{"--specs", "specs", "--tsdb", "data", "--format", "html"}},
		{"from and last", []string{"--specs", "specs", "--tsdb", "data", "--from", "0", "--last", "1d"}},
		{"an empty range", []string{"--specs", "specs", "--tsdb", "data", "--from", "100", "--to", "100"}},
		{"a bad duration", []string{"--specs", "specs", "--tsdb", "data", "--last", "a month"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := Main(context.Background(), append([]string{"backtest"}, tc.args...), &stdout, &stderr); got != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, exitUsage, stderr.String())
			}
		})
	}
}

// backtestJSON is the part of backtest's JSON report the tests read.
type backtestJSON struct {
	SLOs []struct {
		ID        string  `json:"id"`
		Objective float64 `json:"objective_percent"`
		Alerts    []struct {
			Severity string     `json:"severity"`
			Start    time.Time  `json:"start"`
			End      *time.Time `json:"end"`
		} `json:"alerts"`
	} `json:"slos"`
}

func runBacktestJSON(t *testing.T, args ...string) backtestJSON {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), append([]string{"backtest", "--format", "json"}, args...), &stdout, &stderr); code != exitOK {
		t.Fatalf("burnwatch backtest %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
	var rep backtestJSON
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	return rep
}

// TestBacktestOfTheDemoListsItsIncidents runs the demo's script on
// simulated time, then replays the demo's data directory with backtest
// --tsdb: over the 30 days of history, each past incident pages the SLO
// of its workload when it begins and no other SLO pages; over the live
// part, the notifications fire and resolve at the times the script
// expects of the daemon.
func TestBacktestOfTheDemoListsItsIncidents(t *testing.T) {
	if testing.Short() {
		t.Skip("writes the demo's 30 days of history")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "demo")
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	d, err := demo.New(ctx, demo.Options{Listen: "127.0.0.1:0", DataDir: dir, Start: start, Simulated: true,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	script := d.Script()
	end := start.Add(script.End() + time.Minute)
	for at := start.Add(10 * time.Second); !at.After(end); at = at.Add(10 * time.Second) {
		if _, err := d.Advance(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	specs, tsdb := filepath.Join(dir, "specs"), filepath.Join(dir, "tsdb")

	t.Run("history", func(t *testing.T) {
		const step = 5 * time.Minute
		rep := runBacktestJSON(t, "--specs", specs, "--tsdb", tsdb, "--from", start.Add(-30*24*time.Hour).Format(time.RFC3339),
			"--to", start.Add(-time.Hour).Format(time.RFC3339), "--step", step.String())
		pages := map[string][]time.Time{}
		budget := map[string]float64{}
		for _, s := range rep.SLOs {
			budget[s.ID] = 1 - s.Objective/100
			for _, a := range s.Alerts {
				if a.Severity == "page" {
					pages[s.ID] = append(pages[s.ID], a.Start)
				}
			}
		}
		// The 1h/5m rule pages first: once the 1h error ratio passes
		// 14.4 × the budget, share × t / 1h of it.
		want := map[string]time.Time{}
		for _, e := range script.Episodes {
			if e.From < 0 && e.Story != "" {
				if id := pastIncidentSLO(e); id != "" {
					detect := time.Duration(14.4 * budget[id] / e.Share * float64(time.Hour))
					want[id] = start.Add(e.From + detect)
				}
			}
		}
		if len(want) != 3 {
			t.Fatalf("the script's past incidents are %v; expected three that page", want)
		}
		for id, at := range want {
			got := pages[id]
			if len(got) != 1 || got[0].Before(at.Add(-step)) || got[0].After(at.Add(2*step)) {
				t.Errorf("%s paged at %v; want one page within a step or two of %s", id, got, at)
			}
		}
		for id, got := range pages {
			if _, ok := want[id]; !ok {
				t.Errorf("%s paged at %v, with no past incident", id, got)
			}
		}
	})

	t.Run("live", func(t *testing.T) {
		rep := runBacktestJSON(t, "--specs", specs, "--tsdb", tsdb, "--from", start.Add(-10*time.Minute).Format(time.RFC3339),
			"--to", end.Format(time.RFC3339), "--step", "10s")
		type event struct {
			slo, severity string
			status        alerting.Status
			at            time.Time
		}
		got := map[event]bool{}
		for _, s := range rep.SLOs {
			for _, a := range s.Alerts {
				got[event{s.ID, a.Severity, alerting.Firing, a.Start.UTC()}] = true
				if a.End != nil {
					got[event{s.ID, a.Severity, alerting.Resolved, a.End.UTC()}] = true
				}
			}
		}
		for _, e := range script.Expect {
			if want := (event{e.SLO, e.Severity, e.Status, start.Add(e.At)}); !got[want] {
				t.Errorf("no %s %s %s at T+%s in the backtest; it has %v", e.SLO, e.Severity, e.Status, e.At, got)
			}
		}
	})
}

// pastIncidentSLO is the SLO a past incident of the demo's script burns:
// the latency SLO of a slow workload, the errors SLO of a failing one;
// "" for the slow leak, which burns under every factor.
func pastIncidentSLO(e demo.Episode) string {
	switch {
	case e.Workload == "checkout" && e.Trouble == demo.Slow:
		return "checkout/requests-latency"
	case e.Workload == "payments" && e.Trouble == demo.Failing:
		return "payments/authorize-errors"
	case e.Workload == "search" && e.Trouble == demo.Failing:
		return "search/requests-availability"
	}
	return ""
}
