package daemon

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
)

// tileFixture is an evaluator that has built its tiles over a day and a
// half of one service's calls, on an embedded engine.
func tileFixture(t *testing.T) (*prom.Embedded, []*slo.SLO, *burnrate.Evaluator, time.Time) {
	t.Helper()
	eng, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	var ok, bad strings.Builder
	for m := range 36 * 60 {
		ok.WriteString(strconv.Itoa(m*99) + " ")
		bad.WriteString(strconv.Itoa(m) + " ")
	}
	series := `traces_span_metrics_calls_total{service_name="checkout",status_code="STATUS_CODE_UNSET"} ` + ok.String() + "\n" +
		`traces_span_metrics_calls_total{service_name="checkout",status_code="STATUS_CODE_ERROR"} ` + bad.String() + "\n"
	if err := eng.Load(context.Background(), start, time.Minute, series); err != nil {
		t.Fatal(err)
	}
	set, diags := slo.LoadBytes("spec.yaml", []byte("version: burnwatch/v1\nteam: shop\nslos:\n  - name: availability\n    service: checkout\n    objective: 99.9\n    sli:\n      errors:\n        metric: traces_span_metrics_calls_total{service_name=\"checkout\"}\n"))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	ev := burnrate.NewEvaluator(burnrate.Options{})
	at := start.Add(30 * time.Hour)
	if st := ev.Evaluate(context.Background(), eng, set.SLOs, at).Statuses[0]; st.State != burnrate.StateOK {
		t.Fatalf("fixture: %s %s", st.State, st.Reason)
	}
	return eng, set.SLOs, ev, at
}

func logTo(buf *bytes.Buffer) *Daemon {
	return &Daemon{log: slog.New(slog.NewTextHandler(buf, nil))}
}

func TestTilesWrittenToTheDataDirectoryAreRestoredAfterARestart(t *testing.T) {
	eng, slos, ev, at := tileFixture(t)
	var logs bytes.Buffer
	d := logTo(&logs)
	cfg := &Config{DataDir: t.TempDir(), Prometheus: PrometheusConfig{URL: "http://127.0.0.1:9090"}}
	ts := newTileState(cfg)
	if !ts.due(at) {
		t.Fatal("a tile state never written is not due")
	}
	ts.save(d, ev, at)
	if ts.due(at.Add(tileSaveEvery - time.Second)) {
		t.Error("tiles due again before a fine tile has passed")
	}
	entries, _ := os.ReadDir(cfg.DataDir)
	if len(entries) != 1 || entries[0].Name() != tileStateFile {
		t.Fatalf("data directory holds %v, want only %s", entries, tileStateFile)
	}

	restored := burnrate.NewEvaluator(burnrate.Options{})
	newTileState(cfg).restore(d, restored)
	if !strings.Contains(logs.String(), "tile state restored") {
		t.Errorf("log: %s, want the restore logged", logs.String())
	}
	next := at.Add(10 * time.Minute)
	got := restored.Evaluate(context.Background(), eng, slos, next).Statuses[0]
	want := ev.Evaluate(context.Background(), eng, slos, next).Statuses[0]
	if got.Budget.Remaining != want.Budget.Remaining {
		t.Errorf("restored budget %v, running %v", got.Budget.Remaining, want.Budget.Remaining)
	}
}

func TestAnUnreadableTileStateIsLoggedAndRebuilt(t *testing.T) {
	eng, slos, ev, at := tileFixture(t)
	dir := t.TempDir()
	cfg := &Config{DataDir: dir, Prometheus: PrometheusConfig{URL: "http://127.0.0.1:9090"}}
	var quiet bytes.Buffer
	newTileState(cfg).save(logTo(&quiet), ev, at)
	good, err := os.ReadFile(filepath.Join(dir, tileStateFile))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		content []byte
		url     string
	}{
		{"A damaged file.", append(bytes.Clone(good[:len(good)/2]), 0xff), "http://127.0.0.1:9090"},
		{"A file of something else.", []byte("{\"alerts\": []}"), "http://127.0.0.1:9090"},
		{"A file written for another Prometheus.", good, "http://127.0.0.1:9091"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, tileStateFile), tt.content, 0o600); err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			ev := burnrate.NewEvaluator(burnrate.Options{})
			newTileState(&Config{DataDir: dir, Prometheus: PrometheusConfig{URL: tt.url}}).restore(logTo(&logs), ev)
			if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "rebuilding the tiles") {
				t.Errorf("log: %s, want an error saying the tiles are rebuilt", logs.String())
			}
			if st := ev.Evaluate(context.Background(), eng, slos, at).Statuses[0]; st.State != burnrate.StateOK {
				t.Errorf("after an unreadable file: %s %s, want the tiles rebuilt and ok", st.State, st.Reason)
			}
		})
	}
}

func TestAFailedTileWriteKeepsTheOldFileAndLeavesNoTemporaryFile(t *testing.T) {
	_, _, ev, at := tileFixture(t)
	dir := t.TempDir()
	// The state's name is taken by a directory: the rename fails.
	if err := os.Mkdir(filepath.Join(dir, tileStateFile), 0o700); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	ts := newTileState(&Config{DataDir: dir, Prometheus: PrometheusConfig{URL: "http://127.0.0.1:9090"}})
	ts.save(logTo(&logs), ev, at)
	if !strings.Contains(logs.String(), "tile state not saved") {
		t.Errorf("log: %s, want the failed write logged", logs.String())
	}
	if !ts.due(at) {
		t.Error("a failed write counts as saved")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data directory holds %d entries, want only the directory in the way", len(entries))
	}
}
