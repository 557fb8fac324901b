package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/daemon"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
)

// DefaultListen is where the demo serves the dashboard unless told
// otherwise.
const DefaultListen = "127.0.0.1:8080"

// Options configure a demo. The zero value runs the default script in real
// time on 127.0.0.1:8080 from a temporary directory.
type Options struct {
	// Listen is the dashboard's address; port 0 picks a free port.
	Listen string
	// DataDir holds the config, the specs, the engine's database and the
	// alert store. It must be empty or not exist, and is kept. Empty means
	// a temporary directory that Close removes.
	DataDir string
	// Start is the demo's T, where history ends and the script begins.
	// Zero means now, truncated to the evaluation interval (10 s) so that
	// evaluations fall on the script's times.
	Start time.Time
	// Simulated leaves time to the caller: Run serves pages and delivers
	// notifications but neither writes traffic nor evaluates; Advance does
	// both up to a given time, and the dispatcher's clock follows it.
	Simulated bool
	// Listening receives the dashboard's address once it listens.
	Listening chan<- string
	// Logger receives the daemon's logs and one line per notification.
	// Default slog.Default().
	Logger *slog.Logger
}

// Demo is burnwatch running on synthetic span metrics: the daemon, the
// embedded engine with 30 days of history, the workload writer, the inbox
// and the trace store.
type Demo struct {
	opts   Options
	dir    string
	temp   bool
	url    string
	start  time.Time
	script Script
	traces *traceStore
	writer *writer
	engine *prom.Embedded
	inbox  *Inbox
	daemon *daemon.Daemon
	// listener is the dashboard's, open from New on; the daemon's Run
	// serves on it and closes it.
	listener net.Listener
	// ran is set once Run has handed the daemon (and its store) over.
	ran     bool
	started time.Duration // how long New took
}

// New writes the config and the specs, backfills 30 days of history into
// the embedded engine and builds the daemon. Close releases what it made.
func New(ctx context.Context, opts Options) (_ *Demo, err error) {
	began := time.Now()
	if opts.Listen == "" {
		opts.Listen = DefaultListen
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Start.IsZero() {
		opts.Start = time.Now().Truncate(evaluationInterval)
	}
	d := &Demo{opts: opts, start: opts.Start, script: DefaultScript(), traces: newTraceStore(traceLimit)}
	if d.dir, d.temp, err = dataDir(opts.DataDir); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, d.Close())
		}
	}()
	ln, url, err := listen(opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	d.listener = ln
	d.url = url
	config, err := writeConfig(d.dir, ln.Addr().String(), url, specPatches(d.script, d.start))
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	d.writer = newWriter(d.traces, d.script, d.start)
	if d.engine, err = openEngine(ctx, d.writer, filepath.Join(d.dir, "tsdb"), quiet(opts.Logger)); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	d.inbox = NewInbox(url, opts.Logger)
	links, err := slo.NewLinkTemplate(traceLink, url, "")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	pg, err := newPages(d.inbox, d.traces, d.script, d.start, d.now, opts.Logger)
	if err != nil {
		return nil, err
	}
	d.daemon, err = daemon.New(daemon.Options{
		ConfigPath:     config,
		Querier:        d.engine,
		ExtraReceivers: map[string]alerting.Receiver{InboxName: d.inbox},
		Mount:          pg.mount,
		Listening:      opts.Listening,
		TraceLinks:     links,
		Unscheduled:    opts.Simulated,
		Listener:       ln,
		Now:            d.clock(),
		Logger:         opts.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	d.started = time.Since(began)
	return d, nil
}

// dataDir creates the temporary directory, or checks that the given one
// is empty.
func dataDir(dir string) (string, bool, error) {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "burnwatch-demo-")
		if err != nil {
			return "", false, fmt.Errorf("demo: %w", err)
		}
		return tmp, true, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", false, fmt.Errorf("demo: data directory: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", false, fmt.Errorf("demo: data directory: %w", err)
	}
	if len(entries) > 0 {
		return "", false, fmt.Errorf("demo: data directory %s is not empty; the demo writes its history into an empty one", dir)
	}
	return dir, false, nil
}

// Run serves the dashboard and delivers notifications until ctx ends. In
// real time it also writes traffic every five seconds and evaluates every
// ten. Call Close after it returns.
func (d *Demo) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	if !d.opts.Simulated {
		wg.Go(func() { d.live(ctx) })
	}
	wg.Go(func() { d.weeklyReport(ctx) })
	d.ran = true
	err := d.daemon.Run(ctx)
	cancel()
	wg.Wait()
	return err
}

// liveLead is how long before its time a live sample is written, so that
// the evaluation at that very instant sees it, as on simulated time.
const liveLead = 500 * time.Millisecond

// live writes traffic every five seconds, on the five-second grid, each
// sample a moment before its time.
func (d *Demo) live(ctx context.Context) {
	for {
		at := time.Now().Add(liveLead).Truncate(liveStep)
		if err := d.writer.writeUpTo(ctx, at); err != nil && ctx.Err() == nil {
			d.opts.Logger.Error("write synthetic traffic", "err", err)
		}
		timer := time.NewTimer(time.Until(at.Add(liveStep - liveLead)))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

// Advance writes traffic up to at and evaluates every SLO at at, for a
// demo on simulated time. Notifications reach the inbox asynchronously.
func (d *Demo) Advance(ctx context.Context, at time.Time) (burnrate.Result, error) {
	if !d.opts.Simulated {
		return burnrate.Result{}, errors.New("demo: Advance needs Options.Simulated")
	}
	if err := d.writer.writeUpTo(ctx, at); err != nil {
		return burnrate.Result{}, err
	}
	return d.daemon.Evaluate(ctx, at), nil
}

// Close closes the engine and removes the temporary directory. The
// daemon's store is closed when Run returns.
func (d *Demo) Close() error {
	var errs []error
	if d.daemon != nil && !d.ran {
		errs = append(errs, d.daemon.Close())
		d.daemon = nil
	}
	if d.listener != nil && !d.ran {
		d.listener.Close()
		d.listener = nil
	}
	if d.engine != nil {
		errs = append(errs, d.engine.Close())
		d.engine = nil
	}
	if d.temp && d.dir != "" {
		if err := os.RemoveAll(d.dir); err != nil {
			errs = append(errs, fmt.Errorf("demo: remove %s: %w", d.dir, err))
		}
		d.dir = ""
	}
	return errors.Join(errs...)
}

// now is the demo's current time: as far as traffic has been written.
// clock is the dispatcher's clock: the demo's on simulated time, so that a
// notification is due at its evaluation time; the wall clock otherwise.
func (d *Demo) clock() func() time.Time {
	if d.opts.Simulated {
		return d.now
	}
	return nil
}

func (d *Demo) now() time.Time {
	d.writer.mu.Lock()
	defer d.writer.mu.Unlock()
	return d.writer.at
}

// URL is the dashboard's address.
func (d *Demo) URL() string { return d.url }

// InboxURL is the inbox page's address.
func (d *Demo) InboxURL() string { return d.url + "/demo/inbox" }

// Start is the demo's T.
func (d *Demo) Start() time.Time { return d.start }

// Script is the script the demo follows.
func (d *Demo) Script() Script { return d.script }

// Inbox is the receiver every notification goes to.
func (d *Demo) Inbox() *Inbox { return d.inbox }

// WriteIntro prints what the demo is, where to look and the schedule.
func (d *Demo) WriteIntro(w io.Writer) {
	fmt.Fprintf(w, `burnwatch demo: the burnwatch daemon on an embedded Prometheus engine, fed with
synthetic span metrics for the example SLOs in specs/ (30 days of history,
backfilled in %s). Nothing is sent anywhere: notifications land in the inbox.

  dashboard  %[2]s/
  inbox      %[3]s   (the Slack and PagerDuty messages that would have gone out)
  gate       %[2]s/api/v1/gate?service=checkout   (denied while checkout pages)
  report     %[2]s/reports/checkout   (last week's; each team's is in the inbox)

The backfilled checkout incident lies inside a correction (the card
gateway's announced maintenance): it spends no budget, and the checkout
charts shade it.

`, d.started.Round(100*time.Millisecond), d.url, d.InboxURL())
	d.script.WriteSchedule(w, d.start)
	fmt.Fprintf(w, "\nCtrl-C stops the demo")
	if d.temp {
		fmt.Fprintf(w, " and removes its files (%s)", d.dir)
	}
	fmt.Fprintf(w, ".\n")
}

// quiet passes on warnings and errors only: the database logs every block
// it writes and compacts.
func quiet(l *slog.Logger) *slog.Logger {
	return slog.New(minLevel{l.Handler(), slog.LevelWarn})
}

type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(attrs), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}
