// Command cycles runs burnwatch evaluation cycles over a directory of
// specs against a Prometheus, in a process of its own so that its memory
// is burnwatch's alone, and prints what they cost as JSON. The scale suite
// runs it once per SLO set; it is not part of burnwatch.
//
// It evaluates a first cycle (which builds the tiles of long windows), a
// second (which reads the tiles the tails of long windows fall in) and
// -cycles steady cycles, -step apart in simulated time, through a querier
// that asks Prometheus for query statistics (stats=all), to count the
// samples it read; then -check more steady cycles through prom.NewHTTP,
// the daemon's querier, to compare their wall time.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/bench/internal/statsquery"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
)

// Result is what a run measured.
type Result struct {
	SLOs int           `json:"slos"`
	Load time.Duration `json:"load_ns"`
	// First is the first cycle, which answers the long windows with
	// increase() as the daemon's does (Options.AnswerBeforeTiles); Build
	// the one after it, which builds the tiles; Second the next (which
	// reads the tiles its windows' tails fall in), Steady the later ones
	// through the statistics querier, Check those through prom.NewHTTP.
	First  Cycle   `json:"first"`
	Build  Cycle   `json:"build"`
	Second Cycle   `json:"second"`
	Steady []Cycle `json:"steady"`
	Check  []Cycle `json:"check"`
	// PeakRSS is the process's peak resident set size (VmHWM) at the end,
	// RSS its resident set after the steady cycles and a collection, and
	// HeapInuse the Go heap in use then, in bytes.
	PeakRSS   int64 `json:"peak_rss_bytes"`
	RSS       int64 `json:"rss_bytes"`
	HeapInuse int64 `json:"heap_inuse_bytes"`
	// MemoryLimit is the Go runtime's soft memory limit (GOMEMLIMIT) the
	// run had, 0 for none: with one, the heap is collected before it
	// doubles, and the RSS figures are not those of a run without.
	MemoryLimit int64 `json:"memory_limit_bytes"`
	// Restart is the first cycle of a new evaluator that read the tile
	// state the last one wrote, as a restarted daemon does, after being
	// down for two cycles; its Wall includes reading the state, of
	// StateBytes.
	Restart    Cycle `json:"restart"`
	StateBytes int64 `json:"state_bytes"`
}

// Cycle is one timed cycle and what it cost Prometheus.
type Cycle struct {
	Wall    time.Duration `json:"wall_ns"`
	Queries int           `json:"queries"`
	// Samples and Exec are the sums of the queries' totalQueryableSamples
	// and execTotalTime; PromCPU is Prometheus' process CPU time over the
	// cycle. All three are zero for cycles through prom.NewHTTP.
	Samples int64         `json:"samples"`
	Exec    time.Duration `json:"exec_ns"`
	PromCPU time.Duration `json:"prom_cpu_ns"`
	// NotOK counts SLOs whose state was error or no data.
	NotOK int `json:"not_ok"`
}

func main() {
	url := flag.String("prometheus", "", "Prometheus base URL")
	specs := flag.String("specs", "", "directory of spec files")
	at := flag.Int64("at", 0, "first cycle's time, Unix seconds")
	cycles := flag.Int("cycles", 10, "steady cycles through the statistics querier")
	check := flag.Int("check", 3, "steady cycles through prom.NewHTTP after those")
	step := flag.Duration("step", 30*time.Second, "time between cycles")
	flag.Parse()
	res, err := run(*url, *specs, time.Unix(*at, 0), *cycles, *check, *step)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cycles:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "cycles:", err)
		os.Exit(1)
	}
}

func run(url, dir string, at time.Time, cycles, check int, step time.Duration) (*Result, error) {
	began := time.Now()
	set, diags := slo.Load(os.DirFS(dir), ".")
	if len(diags) > 0 {
		return nil, fmt.Errorf("load %s: %s (and %d more)", dir, diags[0], len(diags)-1)
	}
	res := &Result{SLOs: len(set.SLOs), Load: time.Since(began)}
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		res.MemoryLimit = limit
	}
	sq := statsquery.New(url)
	p := promCPU{url: url}
	ev := burnrate.NewEvaluator(burnrate.Options{AnswerBeforeTiles: true})
	var err error
	if res.First, err = cycle(ev, sq, &p, set.SLOs, at); err != nil {
		return nil, err
	}
	at = at.Add(step)
	if res.Build, err = cycle(ev, sq, &p, set.SLOs, at); err != nil {
		return nil, err
	}
	// The second cycle reads the tiles the first one's tails fall in.
	at = at.Add(step)
	if res.Second, err = cycle(ev, sq, &p, set.SLOs, at); err != nil {
		return nil, err
	}
	for range cycles {
		at = at.Add(step)
		c, err := cycle(ev, sq, &p, set.SLOs, at)
		if err != nil {
			return nil, err
		}
		res.Steady = append(res.Steady, c)
	}
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.HeapInuse = int64(ms.HeapInuse)
	if res.RSS, err = procStatus("VmRSS"); err != nil {
		return nil, err
	}
	q, err := prom.NewHTTP(prom.HTTPOptions{URL: url, Timeout: 5 * time.Minute, Retries: -1, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	for range check {
		at = at.Add(step)
		c, err := cycle(ev, q, nil, set.SLOs, at)
		if err != nil {
			return nil, err
		}
		res.Check = append(res.Check, c)
	}
	if res.PeakRSS, err = procStatus("VmHWM"); err != nil {
		return nil, err
	}
	if res.Restart, res.StateBytes, err = restart(ev, q, set.SLOs, at.Add(3*step), url); err != nil {
		return nil, err
	}
	return res, nil
}

// restart writes ev's state to a file, as the daemon does at shutdown,
// and times a new evaluator that reads it and evaluates at `at`.
func restart(ev *burnrate.Evaluator, q burnrate.Querier, slos []*slo.SLO, at time.Time, url string) (Cycle, int64, error) {
	f, err := os.CreateTemp("", "tiles.state.*")
	if err != nil {
		return Cycle{}, 0, err
	}
	defer os.Remove(f.Name())
	w := bufio.NewWriterSize(f, 1<<20)
	if err := ev.WriteState(w, url, at); err != nil {
		return Cycle{}, 0, err
	}
	if err := w.Flush(); err != nil {
		return Cycle{}, 0, err
	}
	size, _ := f.Seek(0, 1)
	if err := f.Close(); err != nil {
		return Cycle{}, 0, err
	}
	began := time.Now()
	in, err := os.Open(f.Name())
	if err != nil {
		return Cycle{}, 0, err
	}
	defer in.Close()
	restarted := burnrate.NewEvaluator(burnrate.Options{AnswerBeforeTiles: true})
	if err := restarted.ReadState(bufio.NewReaderSize(in, 1<<20), url); err != nil {
		return Cycle{}, 0, err
	}
	c, err := cycle(restarted, q, nil, slos, at)
	c.Wall = time.Since(began)
	return c, size, err
}

// cycle evaluates once and measures it; p, when not nil, reads
// Prometheus' CPU time around it.
func cycle(ev *burnrate.Evaluator, q burnrate.Querier, p *promCPU, slos []*slo.SLO, at time.Time) (Cycle, error) {
	var cpu0 time.Duration
	if p != nil {
		var err error
		if cpu0, err = p.read(); err != nil {
			return Cycle{}, err
		}
	}
	began := time.Now()
	r := ev.Evaluate(context.Background(), q, slos, at)
	c := Cycle{Wall: time.Since(began), Queries: r.Queries}
	for _, st := range r.Statuses {
		if st.State == burnrate.StateError || st.State == burnrate.StateNoData {
			c.NotOK++
		}
	}
	if sq, ok := q.(*statsquery.Querier); ok {
		cost := sq.Take()
		c.Samples, c.Exec = cost.Samples, cost.Exec
	}
	if p != nil {
		cpu1, err := p.read()
		if err != nil {
			return Cycle{}, err
		}
		c.PromCPU = cpu1 - cpu0
	}
	return c, nil
}

// promCPU reads Prometheus' process_cpu_seconds_total.
type promCPU struct{ url string }

func (p promCPU) read() (time.Duration, error) {
	resp, err := http.Get(p.url + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_cpu_seconds_total "); ok {
			s, err := strconv.ParseFloat(v, 64)
			return time.Duration(s * float64(time.Second)), err
		}
	}
	return 0, errors.Join(errors.New("no process_cpu_seconds_total in Prometheus' metrics"), sc.Err())
}

// procStatus reads a size in kB from /proc/self/status, in bytes.
func procStatus(field string) (int64, error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse %s %q: %w", field, rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no %s in /proc/self/status", field)
}
