package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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
		Budget    float64 `json:"budget_consumed"`
		Alerts    []struct {
			Kind     string     `json:"kind"`
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

// TestBacktestAndDiffOfTheDemo runs the demo's script on simulated time,
// then replays the demo's data directory with backtest --tsdb: over the 30
// days of history, each past incident pages the SLO of its workload when
// the 1h rule says and no other SLO pages; over the live part, the
// notifications fire and resolve at the times the script expects of the
// daemon. diff of the shipped specs against a stricter copy reports the
// alerts it adds.
func TestBacktestAndDiffOfTheDemo(t *testing.T) {
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
		// 14.4 × the budget, share × t / 1h of it. The demo corrects its
		// backfilled checkout incident: that one pages nowhere.
		want := map[string]time.Time{}
		var corrected []demo.Episode
		for _, e := range script.Episodes {
			if e.From < 0 && e.Story != "" {
				if id := pastIncidentSLO(e); id != "" {
					if id == "checkout/requests-latency" {
						corrected = append(corrected, e)
						continue
					}
					detect := time.Duration(14.4 * budget[id] / e.Share * float64(time.Hour))
					want[id] = start.Add(e.From + detect)
				}
			}
		}
		if len(want) != 2 || len(corrected) != 1 {
			t.Fatalf("the script's past incidents are %v and %d corrected; expected two that page and one corrected", want, len(corrected))
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

		// Around the corrected incident, the spec without its correction
		// pages and burns budget; the spec as shipped does neither.
		e := corrected[0]
		uncorrected := filepath.Join(t.TempDir(), "uncorrected")
		withoutCorrections(t, specs, uncorrected)
		around := []string{"--tsdb", tsdb, "--from", start.Add(e.From - time.Hour).Format(time.RFC3339),
			"--to", start.Add(e.To + time.Hour).Format(time.RFC3339), "--step", step.String()}
		latency := func(rep backtestJSON) (alerts int, budget float64) {
			for _, s := range rep.SLOs {
				if s.ID == "checkout/requests-latency" {
					return len(s.Alerts), s.Budget
				}
			}
			t.Fatalf("no checkout/requests-latency in the backtest")
			return 0, 0
		}
		asShipped, shippedBudget := latency(runBacktestJSON(t, append([]string{"--specs", specs}, around...)...))
		without, withoutBudget := latency(runBacktestJSON(t, append([]string{"--specs", uncorrected}, around...)...))
		if without == 0 || asShipped != 0 || shippedBudget*10 > withoutBudget {
			t.Errorf("around the corrected incident: %d alerts and %v of the budget as shipped, %d and %v without the correction; "+
				"want none and a tenth at most as shipped", asShipped, shippedBudget, without, withoutBudget)
		}
	})

	t.Run("diff against the same specs", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := Main(ctx, []string{"diff", specs, specs, "--tsdb", tsdb, "--from", start.Add(-3 * 24 * time.Hour).Format(time.RFC3339),
			"--to", start.Format(time.RFC3339), "--step", "5m"}, &stdout, &stderr)
		if code != exitOK || !strings.Contains(stdout.String(), "no SLO added, removed or changed") {
			t.Errorf("exit %d, want 0 and no change\n%s%s", code, stdout.String(), stderr.String())
		}
	})

	t.Run("diff against stricter specs", func(t *testing.T) {
		strict := filepath.Join(t.TempDir(), "strict")
		stricter(t, specs, strict)
		var stdout, stderr bytes.Buffer
		code := Main(ctx, []string{"diff", specs, strict, "--tsdb", tsdb, "--from", start.Add(-3 * 24 * time.Hour).Format(time.RFC3339),
			"--to", start.Format(time.RFC3339), "--step", "5m", "--format", "json"}, &stdout, &stderr)
		if code != exitFailed {
			t.Fatalf("exit %d, want 1: alerts change\n%s%s", code, stdout.String(), stderr.String())
		}
		var d struct {
			AlertsChanged bool `json:"alerts_changed"`
			SLOs          []struct {
				ID     string   `json:"id"`
				Change string   `json:"change"`
				Fields []string `json:"fields"`
				Appear []struct {
					Severity string `json:"severity"`
				} `json:"appear"`
			} `json:"slos"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &d); err != nil {
			t.Fatalf("%v\n%s", err, stdout.String())
		}
		changed, leak := 0, 0
		for _, s := range d.SLOs {
			if s.Change == "changed" && slices.Equal(s.Fields, []string{"objective"}) {
				changed++
			}
			if s.ID == "order-consumer/messages-processed" {
				leak = len(s.Appear)
			}
		}
		// The slow leak burns at 0.995, under the ticket factor; with a
		// ten times smaller budget it burns at 9.95, over the 6h/30m
		// page factor.
		if !d.AlertsChanged || changed != 5 || leak == 0 {
			t.Errorf("diff says %s; want the five SLOs' objectives changed and alerts added to order-consumer's", stdout.String())
		}
	})

	t.Run("live", func(t *testing.T) {
		rep := runBacktestJSON(t, "--specs", specs, "--tsdb", tsdb, "--from", start.Add(-10*time.Minute).Format(time.RFC3339),
			"--to", end.Format(time.RFC3339), "--step", "10s")
		type event struct {
			slo, kind, severity string
			status              alerting.Status
			at                  time.Time
		}
		got := map[event]bool{}
		for _, s := range rep.SLOs {
			for _, a := range s.Alerts {
				got[event{s.ID, a.Kind, a.Severity, alerting.Firing, a.Start.UTC()}] = true
				if a.End != nil {
					got[event{s.ID, a.Kind, a.Severity, alerting.Resolved, a.End.UTC()}] = true
				}
			}
		}
		want := map[event]bool{}
		for _, e := range script.Expect {
			want[event{e.SLO, string(e.Kind), e.Severity, e.Status, start.Add(e.At)}] = true
		}
		for e := range want {
			if !got[e] {
				t.Errorf("no %s %s %s %s at T+%s in the backtest", e.slo, e.kind, e.severity, e.status, e.at.Sub(start))
			}
		}
		for e := range got {
			if !want[e] && !e.at.Before(start) {
				t.Errorf("the backtest has %s %s %s %s at T+%s; the daemon did not notify it", e.slo, e.kind, e.severity, e.status, e.at.Sub(start))
			}
		}
	})
}

// stricter copies the spec tree src into dst with every objective's error
// budget ten times smaller: 99.9 becomes 99.99.
func stricter(t *testing.T, src, dst string) {
	t.Helper()
	objective := regexp.MustCompile(`(?m)^(\s*objective:\s*)([0-9.]+)\s*$`)
	err := filepath.WalkDir(src, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		data = objective.ReplaceAllFunc(data, func(m []byte) []byte {
			sub := objective.FindSubmatch(m)
			v, err := strconv.ParseFloat(string(sub[2]), 64)
			if err != nil {
				t.Fatalf("objective %q: %v", sub[2], err)
			}
			return []byte(string(sub[1]) + strconv.FormatFloat(100-(100-v)/10, 'f', -1, 64))
		})
		out := filepath.Join(dst, strings.TrimPrefix(path, src))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// withoutCorrections copies the spec tree src into dst without its
// files' top-level corrections sections.
func withoutCorrections(t *testing.T, src, dst string) {
	t.Helper()
	section := regexp.MustCompile(`(?m)^corrections:\n(?:[ \t].*\n?|\n)*`)
	err := filepath.WalkDir(src, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, strings.TrimPrefix(path, src))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, section.ReplaceAll(data, nil), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
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
