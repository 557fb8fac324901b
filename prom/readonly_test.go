package prom_test

import (
	"context"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/tsdb"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
)

// writeBlock writes requests_total, 0 to 60 a minute apart from start, as
// one block in dir, and returns the block's directory.
func writeBlock(t *testing.T, dir string, start time.Time) string {
	t.Helper()
	w, err := tsdb.NewBlockWriter(slog.New(slog.DiscardHandler), dir, 2*time.Hour.Milliseconds())
	if err != nil {
		t.Fatal(err)
	}
	app := w.Appender(context.Background())
	lset := labels.FromStrings("__name__", "requests_total", "job", "api")
	for i := range 61 {
		if _, err := app.Append(0, lset, start.Add(time.Duration(i)*time.Minute).UnixMilli(), float64(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.Commit(); err != nil {
		t.Fatal(err)
	}
	id, err := w.Flush(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, id.String())
}

func TestReadOnlyReadsASnapshotABlockAndADataDirectory(t *testing.T) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	snapshot := t.TempDir()
	block := writeBlock(t, snapshot, start)

	live := t.TempDir()
	e, err := prom.NewEmbedded(prom.EmbeddedOptions{Dir: live, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Load(context.Background(), start, time.Minute, `requests_total{job="api"} 0+1x60`); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ name, dir string }{
		{"a snapshot: blocks without a write-ahead log", snapshot},
		{"a single block", block},
		{"a data directory whose samples are in the write-ahead log", live},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := listFiles(t, tc.dir)
			r, err := prom.OpenReadOnly(prom.EmbeddedOptions{Dir: tc.dir, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			vec, err := r.Query(context.Background(), `increase(requests_total[30m])`, start.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if len(vec) != 1 || math.Abs(float64(vec[0].Value)-30) > 1e-9 {
				t.Errorf("increase over 30m = %v, want 30", vec)
			}
			m, err := r.QueryRange(context.Background(), `requests_total`, burnrate.Range{Start: start, End: start.Add(time.Hour), Step: 30 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if len(m) != 1 || len(m[0].Values) != 3 || m[0].Values[2].Value != 60 {
				t.Errorf("range answer %v, want 0, 30, 60", m)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			if after := listFiles(t, tc.dir); len(after) != len(before) {
				t.Errorf("the directory changed: %v, then %v", before, after)
			}
		})
	}
}

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil {
			out = append(out, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReadOnlyAnswersConcurrentQueries runs queries at once on a data
// directory whose samples are in the write-ahead log, as the evaluator
// does; `go test -race` fails if they share what is not safe to share.
func TestReadOnlyAnswersConcurrentQueries(t *testing.T) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	live := t.TempDir()
	e, err := prom.NewEmbedded(prom.EmbeddedOptions{Dir: live, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Load(context.Background(), start, time.Minute, `requests_total{job="api"} 0+1x60
requests_total{job="web"} 0+2x60`); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := prom.OpenReadOnly(prom.EmbeddedOptions{Dir: live, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			at := start.Add(time.Duration(30+i) * time.Minute)
			if vec, err := r.Query(context.Background(), `sum(increase(requests_total[30m]))`, at); err != nil || len(vec) != 1 || math.Abs(float64(vec[0].Value)-90) > 1e-9 {
				t.Errorf("query at %s: %v, %v; want 90", at, vec, err)
			}
			if _, err := r.QueryRange(context.Background(), `requests_total`, burnrate.Range{Start: start, End: at, Step: time.Minute}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
