package backtest_test

import (
	"context"
	"fmt"
	"log/slog"

	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"

	"github.com/burnwatch/burnwatch/backtest"
	"github.com/burnwatch/burnwatch/internal/promtest"
)

// The fleet of the cost benchmark: fleetSLOs services, each with one
// errors SLO on its calls counter, 600 calls a minute scraped once a
// minute for fleetHistory. Every tenth service has an incident: 10% of
// its calls fail for half an hour, on a day of its own.
const (
	fleetSLOs    = 100
	fleetHistory = 31 * 24 * time.Hour
	fleetRate    = 600.0
)

var fleetEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func fleetService(i int) string { return fmt.Sprintf("svc-%03d", i) }

// fleetIncident says when service i fails, if it does.
func fleetIncident(i int) (from, to time.Time, ok bool) {
	if i%10 != 0 {
		return from, to, false
	}
	from = fleetEnd.Add(-time.Duration(28-i/10*2)*24*time.Hour + time.Duration(i%24)*time.Hour)
	return from, from.Add(30 * time.Minute), true
}

// writeFleetBlocks writes the fleet's history as one block, in time
// order across all series as the block writer needs.
func writeFleetBlocks(dir string) error {
	w, err := tsdb.NewBlockWriter(slog.New(slog.DiscardHandler), dir, (fleetHistory + 24*time.Hour).Milliseconds())
	if err != nil {
		return err
	}
	defer w.Close()
	ctx := context.Background()
	type service struct {
		ok, failed       labels.Labels
		nOK, nFailed     float64
		from, to         time.Time
		incident         bool
		refOK, refFailed storage.SeriesRef
	}
	services := make([]*service, fleetSLOs)
	for i := range services {
		lbl := func(status string) labels.Labels {
			return labels.FromStrings("__name__", "traces_span_metrics_calls_total", "service_name", fleetService(i),
				"span_name", "GET /", "span_kind", "SPAN_KIND_SERVER", "status_code", status)
		}
		s := &service{ok: lbl("STATUS_CODE_UNSET"), failed: lbl("STATUS_CODE_ERROR")}
		s.from, s.to, s.incident = fleetIncident(i)
		services[i] = s
	}
	app := w.Appender(ctx)
	steps := 0
	for t := fleetEnd.Add(-fleetHistory); !t.After(fleetEnd); t = t.Add(time.Minute) {
		ms := t.UnixMilli()
		for _, s := range services {
			if s.incident && t.After(s.from) && !t.After(s.to) {
				s.nOK, s.nFailed = s.nOK+0.9*fleetRate, s.nFailed+0.1*fleetRate
			} else {
				s.nOK += fleetRate
			}
			if s.refOK, err = app.Append(s.refOK, s.ok, ms, s.nOK); err != nil {
				return err
			}
			if s.refFailed, err = app.Append(s.refFailed, s.failed, ms, s.nFailed); err != nil {
				return err
			}
		}
		if steps++; steps%1000 == 0 {
			if err := app.Commit(); err != nil {
				return err
			}
			app = w.Appender(ctx)
		}
	}
	if err := app.Commit(); err != nil {
		return err
	}
	_, err = w.Flush(ctx)
	return err
}

func writeFleetSpecs(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("version: burnwatch/v1\nteam: fleet\nslos:\n")
	for i := range fleetSLOs {
		fmt.Fprintf(&b, `  - name: availability
    service: %s
    objective: 99.9
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name=%q, span_name="GET /", span_kind="SPAN_KIND_SERVER"}
`, fleetService(i), fleetService(i))
	}
	writeFile(t, filepath.Join(dir, "fleet.yaml"), b.String())
	return dir
}

// BenchmarkBacktestOf100SLOsOver30Days replays 30 days of 100 SLOs
// against a real Prometheus at a 5-minute step, and checks that every
// incident pages.
func BenchmarkBacktestOf100SLOsOver30Days(b *testing.B) {
	srv := promtest.Start(b, promtest.Options{WriteBlocks: writeFleetBlocks})
	slos := loadSpecs(b, writeFleetSpecs(b))
	for _, step := range []time.Duration{5 * time.Minute} {
		b.Run("step="+step.String(), func(b *testing.B) {
			for b.Loop() {
				cpu := processCPU()
				began := time.Now()
				rep, err := backtest.Run(context.Background(), backtest.Options{SLOs: slos, Querier: srv.Querier(),
					From: fleetEnd.Add(-30 * 24 * time.Hour), To: fleetEnd, Step: step})
				if err != nil {
					b.Fatal(err)
				}
				took := time.Since(began)
				b.ReportMetric(took.Seconds(), "s/replay")
				b.ReportMetric((processCPU() - cpu).Seconds(), "burnwatch-cpu-s/replay")
				b.ReportMetric(float64(rep.Queries.RangeQueries+rep.Queries.InstantQueries), "queries/replay")
				b.ReportMetric(float64(rep.Evaluations), "evaluations/replay")
				checkFleetPages(b, rep)
			}
		})
	}
}

func checkFleetPages(b *testing.B, rep *backtest.Report) {
	for i, s := range rep.SLOs {
		from, _, incident := fleetIncident(i)
		pages := 0
		for _, a := range s.Alerts {
			if a.Severity == "page" {
				pages++
				if a.Start.Before(from) || a.Start.After(from.Add(10*time.Minute)) {
					b.Errorf("%s paged at %s, not within 10 minutes of its incident at %s", s.ID, a.Start, from)
				}
			}
		}
		if want := map[bool]int{true: 1, false: 0}[incident]; pages != want {
			b.Errorf("%s paged %d times, want %d", s.ID, pages, want)
		}
	}
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
