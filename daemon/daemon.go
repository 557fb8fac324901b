package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/datacheck"
	"github.com/burnwatch/burnwatch/groups"
	"github.com/burnwatch/burnwatch/internal/secret"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

// Querier is what the daemon queries: PromQL and exemplars.
type Querier interface {
	burnrate.Querier
	prom.ExemplarAPI
	datacheck.Source
}

// Options configure a Daemon.
type Options struct {
	// ConfigPath is burnwatch.yaml.
	ConfigPath string
	// Querier replaces the config's Prometheus (the demo passes the
	// embedded engine); nil means the config's.
	Querier Querier
	// ExtraReceivers are added to the config's (the demo's inbox); routes
	// and default_receivers may name them.
	ExtraReceivers map[string]alerting.Receiver
	// Mount adds routes to the dashboard.
	Mount func(r chi.Router)
	// Reload delivers reload requests (SIGHUP).
	Reload <-chan os.Signal
	// Listening receives the HTTP address once the server listens.
	Listening chan<- string
	// TraceLinks, when set, replaces every SLO's trace link template (the
	// demo links to its own trace viewer).
	TraceLinks *slo.LinkTemplate
	// Unscheduled makes Run serve and deliver without evaluating on its own
	// schedule: the caller calls Evaluate (the demo's simulated-time tests).
	Unscheduled bool
	// Listener, when set, is where Run serves instead of the config's
	// listen_address (a caller that needs the port before Run).
	Listener net.Listener
	// Now is the clock of deliveries' retries; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Daemon is a running burnwatch: config, SLOs, evaluator, alert manager,
// dispatcher and HTTP server.
type Daemon struct {
	opts    Options
	log     *slog.Logger
	store   alerting.Storage
	reg     *prometheus.Registry
	metrics *metrics
	disp    *alerting.Dispatcher
	handler swapHandler
	// heartbeat calls the configured dead man's switch after good cycles.
	heartbeat *heartbeat

	// lease is the shared store's leader lease; nil for the bbolt file,
	// whose one replica always leads.
	lease leaseHolder
	// storeReached is whether the store has answered: at once for the
	// bbolt file, once connectStore succeeds for a shared one. Until then
	// the replica is not ready and does not campaign for the lease.
	storeReached atomic.Bool
	// leading is whether this replica runs the alert lifecycle and
	// delivery; restore is set when it starts leading and its alert
	// manager must first read the state the last leader left.
	leading, restore atomic.Bool

	// cycle serializes evaluation cycles with the part of a reload that
	// replaces the alert manager, so that no cycle's changes fall between
	// two managers.
	cycle sync.Mutex
	// tileState writes the evaluator's tiles to the data directory;
	// guarded by cycle.
	tileState *tileState

	// mu guards the loaded set: config, SLOs, querier, evaluator and alert
	// manager with the options it runs with. A reload builds a new set and
	// swaps it in whole.
	mu          sync.Mutex
	cfg         *Config
	slos        []*slo.SLO
	querier     Querier
	evaluator   *burnrate.Evaluator
	manager     *alerting.Manager
	managerOpts alerting.ManagerOptions
	receivers   []string // the names of the receivers in use
	listenAddr  string   // where Run serves, once it does

	// redactor removes every secret value of the configs loaded so far
	// from logs, errors and what the dashboard shows.
	redactor     *secret.Redactor
	secretsMu    sync.Mutex
	secretValues map[string]bool

	// groups expands grouped SLOs before each cycle.
	groups groups.Expander

	snapshot atomic.Pointer[web.Snapshot]
	ready    atomic.Bool
	// reportsSent are the team reports queued by this process.
	reportsSent reportsSent
	// failedCycles counts the last cycles in a row in which every query
	// failed, for /readyz.
	failedCycles atomic.Int64
}

// New loads the config and the specs and opens the store. Any problem is an
// error: a daemon does not start on a broken config. A shared store is not
// reached here: Run waits for it while it serves.
func New(opts Options) (*Daemon, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	cfg, err := LoadConfig(opts.ConfigPath, extraNames(opts.ExtraReceivers)...)
	if err != nil {
		return nil, err
	}
	slos, err := loadSpecs(cfg, opts.TraceLinks)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	d := &Daemon{opts: opts, cfg: cfg, slos: slos, reg: prometheus.NewRegistry(),
		redactor: secret.NewRedactor(), secretValues: map[string]bool{}}
	d.redactSecrets(cfg)
	d.log = slog.New(redactHandler{next: opts.Logger.Handler(), r: d.redactor})
	d.groups.Logger = d.log
	store, lease, err := openStorage(cfg, d)
	if err != nil {
		return nil, err
	}
	d.store, d.lease = store, lease
	d.storeReached.Store(lease == nil)
	d.metrics = newMetrics(d.reg, d)
	d.reg.MustRegister(newBuildInfo())
	d.heartbeat = newHeartbeat(d.reg)
	d.initLeadership()
	d.disp = alerting.NewDispatcher(alerting.DispatcherOptions{Store: store, Metrics: alerting.NewMetrics(d.reg), Logger: d.log, Now: opts.Now, Redact: d.redactor.Redact})
	if d.querier, err = d.newQuerier(cfg); err != nil {
		store.Close()
		return nil, err
	}
	d.evaluator = newEvaluator(cfg)
	d.tileState = newTileState(cfg)
	d.tileState.restore(d, d.evaluator)
	receivers, resend, err := d.buildReceivers(cfg)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("config %s: %w", cfg.path, err)
	}
	d.disp.SetReceivers(receivers)
	d.receivers = receiverNames(receivers)
	d.managerOpts = d.managerOptions(cfg, resend)
	// With a shared store, the alert manager is built, from what the last
	// leader committed, when this replica takes the lease.
	if lease == nil {
		if d.manager, err = alerting.NewManager(d.managerOpts); err != nil {
			store.Close()
			return nil, err
		}
	}
	h, err := d.newHandler(cfg)
	if err != nil {
		store.Close()
		return nil, err
	}
	d.handler.h.Store(h)
	d.metrics.reloadOK(true)
	return d, nil
}

// managerOptions are the alert manager's options for a config.
func (d *Daemon) managerOptions(cfg *Config, resend map[string]time.Duration) alerting.ManagerOptions {
	return alerting.ManagerOptions{
		Store: d.store, Router: cfg.router(), Resend: resend, Exemplars: d.exemplars(cfg),
		RepeatInterval:  time.Duration(cfg.Alerting.RepeatInterval),
		FailingCycles:   cfg.Alerting.FailingCycles,
		FailingSeverity: slo.Severity(cfg.Alerting.FailingSeverity),
		NoDataAfter:     cfg.Alerting.noDataAfter(),
		MaxTraces:       cfg.Alerting.MaxTraces,
		Retention:       time.Duration(cfg.Alerting.Retention),
		DashboardURL:    dashboardURL(cfg.ExternalURL),
		Queued:          d.disp.Wake,
		Logger:          d.log,
		Redact:          d.redactor.Redact,
	}
}

func extraNames(extra map[string]alerting.Receiver) []string {
	names := make([]string, 0, len(extra))
	for name := range extra {
		names = append(names, name)
	}
	return names
}

func (d *Daemon) newQuerier(cfg *Config) (Querier, error) {
	if d.opts.Querier != nil {
		return redactingQuerier{q: d.opts.Querier, r: d.redactor}, nil
	}
	p := cfg.Prometheus
	opts := prom.HTTPOptions{
		URL: p.URL, Timeout: time.Duration(p.Timeout), Headers: p.Headers,
		TLS: prom.TLSOptions{CAFile: p.TLS.CAFile, CertFile: p.TLS.CertFile, KeyFile: p.TLS.KeyFile,
			ServerName: p.TLS.ServerName, InsecureSkipVerify: p.TLS.InsecureSkipVerify},
		Logger: d.log,
	}
	switch r := p.Retries; {
	case r == nil:
		// Absent: prom's default (a zero count).
	case *r <= 0:
		opts.Retries = -1 // prom's "none": an explicit 0 turns retries off
	default:
		opts.Retries = *r
	}
	// Secrets were read when the config loaded; the querier reads them
	// again from the same file or variable, so that a rotated token is
	// picked up without a reload.
	opts.BearerTokenFile, opts.BearerTokenEnv = relTo(filepath.Dir(cfg.path), p.BearerToken.File), p.BearerToken.Env
	if ba := p.BasicAuth; ba != nil {
		opts.BasicAuth = prom.BasicAuth{Username: ba.Username, PasswordFile: relTo(filepath.Dir(cfg.path), ba.Password.File), PasswordEnv: ba.Password.Env}
	}
	q, err := prom.NewHTTP(opts)
	if err != nil {
		return nil, fmt.Errorf("config %s: prometheus: %w", cfg.path, err)
	}
	return redactingQuerier{q: q, r: d.redactor}, nil
}

func (d *Daemon) buildReceivers(cfg *Config) (map[string]alerting.Receiver, map[string]time.Duration, error) {
	receivers, resend, err := buildReceivers(cfg, d.log)
	if err != nil {
		return nil, nil, err
	}
	for name, r := range d.opts.ExtraReceivers {
		receivers[name] = r
	}
	return receivers, resend, nil
}

func receiverNames(receivers map[string]alerting.Receiver) []string {
	names := make([]string, 0, len(receivers))
	for name := range receivers {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// exemplars is the exemplar source, unless the config turns them off.
func (d *Daemon) exemplars(cfg *Config) alerting.ExemplarQuerier {
	if e := cfg.Alerting.Exemplars; e != nil && !*e {
		return nil
	}
	return prom.Exemplars(exemplarsOf{d})
}

// exemplarsOf asks the current querier, which a reload may replace.
type exemplarsOf struct{ d *Daemon }

func (e exemplarsOf) QueryExemplars(ctx context.Context, expr string, start, end time.Time) ([]v1.ExemplarQueryResult, error) {
	return querierOf(e).current().QueryExemplars(ctx, expr, start, end)
}

func dashboardURL(external string) func(string) string {
	base, err := url.Parse(external)
	if err != nil {
		return nil
	}
	prefix := strings.TrimSuffix(base.EscapedPath(), "/")
	return func(id string) string {
		u := *base
		u.RawPath = prefix + web.SLOPath(id)
		p, err := url.PathUnescape(u.RawPath)
		if err != nil {
			return ""
		}
		u.Path = p
		return u.String()
	}
}

// Handler serves the dashboard, its API, /metrics, /healthz and /readyz.
func (d *Daemon) Handler() http.Handler { return &d.handler }

// Close releases the store of a daemon that is not run; Run closes it when
// it returns.
func (d *Daemon) Close() error { return d.store.Close() }

// Run evaluates on schedule, delivers notifications and serves HTTP until
// ctx ends; then it shuts down gracefully and closes the store.
func (d *Daemon) Run(ctx context.Context) error {
	defer d.store.Close()
	ln := d.opts.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", d.cfg.ListenAddress); err != nil {
			return fmt.Errorf("listen on %s: %w", d.cfg.ListenAddress, err)
		}
	}
	srv := &http.Server{Handler: &d.handler, ReadHeaderTimeout: 10 * time.Second}
	if d.opts.Listening != nil {
		d.opts.Listening <- ln.Addr().String()
	}
	d.mu.Lock()
	d.listenAddr = ln.Addr().String()
	d.mu.Unlock()
	d.warnIfOpen(d.cfg, ln.Addr().String())
	d.log.Info("burnwatch listening", "address", ln.Addr().String(), "slos", len(d.slos), "evaluation_interval", time.Duration(d.cfg.EvaluationInterval))

	var wg sync.WaitGroup
	var err error
	errc := make(chan error, 1)
	wg.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	})
	wg.Go(func() { d.runLeadership(ctx) })
	wg.Go(func() { d.watch(ctx) })
	if !d.opts.Unscheduled {
		wg.Go(func() { d.loop(ctx) })
	}

	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdown); serr != nil && err == nil {
		err = serr
	}
	wg.Wait()
	d.saveTilesAtShutdown()
	d.heartbeat.wait()
	d.log.Info("burnwatch stopped")
	return err
}

// querierOf is the current querier, for the dashboard's history charts.
type querierOf struct{ d *Daemon }

func (q querierOf) current() Querier {
	q.d.mu.Lock()
	defer q.d.mu.Unlock()
	return q.d.querier
}

func (q querierOf) Query(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	return q.current().Query(ctx, expr, at)
}

func (q querierOf) QueryRange(ctx context.Context, expr string, r burnrate.Range) (model.Matrix, error) {
	return q.current().QueryRange(ctx, expr, r)
}
