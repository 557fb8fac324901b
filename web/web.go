package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
)

// Snapshot is the latest evaluation as the dashboard shows it. The daemon
// builds a new one each cycle and swaps it in whole; the dashboard never
// changes one.
type Snapshot struct {
	// At is when the evaluation ran.
	At time.Time
	// Statuses has one status per SLO; Status.SLO is the spec.
	Statuses []burnrate.Status
	// Incidents are the firing and recently resolved incidents, newest
	// first.
	Incidents []alerting.Incident
}

// Options configure the dashboard.
type Options struct {
	// Snapshot returns the latest evaluation; nil before the first one,
	// when pages say they are waiting for it. Required.
	Snapshot func() *Snapshot
	// Querier answers the range queries of the history charts; nil turns
	// history charts off.
	Querier burnrate.Querier
	// Exemplars finds the exemplars the distribution chart draws and
	// links to their traces; nil draws none.
	Exemplars alerting.ExemplarQuerier
	// PrometheusURL is where people's browsers reach Prometheus' own UI;
	// every PromQL query on an SLO's page then links to its graph page.
	// Empty links nowhere.
	PrometheusURL string
	// GrafanaURL, with the uid of a Prometheus datasource in it, adds a
	// Grafana Explore link to every query.
	GrafanaURL, GrafanaDatasource string
	// ExternalURL is the address people reach the dashboard at, for
	// absolute links. Its path, if any, is the prefix of every route and
	// link, as with Prometheus' --web.external-url.
	ExternalURL string
	// Auth closes pages and API to requests without its credentials;
	// the zero value leaves them open.
	Auth Auth
	// Refresh is how often pages reload themselves (default 30s; negative
	// turns reloading off).
	Refresh time.Duration
	// HistoryTTL is how long an SLO's history is reused (default 1m); a
	// failed history query is retried after a sixth of it.
	HistoryTTL time.Duration
	// HistoryTimeout bounds the queries of one history (default 20s).
	HistoryTimeout time.Duration
	// HistoryConcurrency bounds the history queries that run at once,
	// over every SLO (default 4): a room of people opening different SLOs
	// waits in turn rather than loading Prometheus.
	HistoryConcurrency int
	// Logger receives request failures. Default slog.Default().
	Logger *slog.Logger
	// Mount adds routes of the caller's own (the demo's inbox and trace
	// viewer), below the ExternalURL's path prefix. They sit behind the
	// same security headers and auth, and may use any method.
	Mount func(r chi.Router)
}

const (
	defaultRefresh        = 30 * time.Second
	defaultHistoryTTL     = time.Minute
	defaultHistoryTimeout = 20 * time.Second
	defaultHistoryQueries = 4
)

// server holds what every handler reads. It is built once, in New.
type server struct {
	opts     Options
	base     *url.URL // ExternalURL, parsed; nil when not set
	prefix   string   // the path prefix of every route, "" or "/dash"
	pages    *pages
	history  *historyCache
	linksOut linksOut
	log      *slog.Logger
	nowFunc  func() time.Time
	refreshS int // seconds, 0 = off

	prepMu sync.Mutex
	prep   *prepared // the latest snapshot's
}

// Dashboard serves the dashboard's pages, API and static files.
type Dashboard struct {
	s      *server
	router http.Handler
}

// New returns the dashboard. The router is built here, once.
func New(opts Options) (*Dashboard, error) {
	s, err := newServer(opts)
	if err != nil {
		return nil, fmt.Errorf("new dashboard: %w", err)
	}
	return &Dashboard{s: s, router: s.router()}, nil
}

// ServeHTTP serves a request.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) { d.router.ServeHTTP(w, r) }

// Prepare renders, for the current snapshot, what requests read from the
// one before: the overview's rows, the API's SLOs. Whoever publishes a
// snapshot calls it then, so that the next requests find them rendered;
// without it, the first request that needs them renders them.
func (d *Dashboard) Prepare() { d.s.prepare() }

func newServer(opts Options) (*server, error) {
	if opts.Snapshot == nil {
		return nil, fmt.Errorf("no Snapshot function")
	}
	if err := opts.Auth.validate(); err != nil {
		return nil, err
	}
	s := &server{opts: opts, log: opts.Logger, nowFunc: time.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	if opts.ExternalURL != "" {
		u, err := url.Parse(opts.ExternalURL)
		if err != nil {
			return nil, fmt.Errorf("external URL %q: %w", opts.ExternalURL, err)
		}
		if !u.IsAbs() || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("external URL %q is not an absolute http(s) URL", opts.ExternalURL)
		}
		s.base = u
		s.prefix = strings.TrimSuffix(u.Path, "/")
	}
	switch {
	case opts.Refresh == 0:
		s.refreshS = int(defaultRefresh / time.Second)
	case opts.Refresh > 0:
		s.refreshS = max(1, int(opts.Refresh/time.Second))
	}
	ttl := opts.HistoryTTL
	if ttl <= 0 {
		ttl = defaultHistoryTTL
	}
	timeout := opts.HistoryTimeout
	if timeout <= 0 {
		timeout = defaultHistoryTimeout
	}
	concurrency := opts.HistoryConcurrency
	if concurrency <= 0 {
		concurrency = defaultHistoryQueries
	}
	if opts.Querier != nil {
		s.history = newHistoryCache(opts.Querier, ttl, timeout, concurrency)
	}
	var err error
	if s.linksOut, err = newLinksOut(opts); err != nil {
		return nil, err
	}
	if s.pages, err = loadPages(); err != nil {
		return nil, err
	}
	return s, nil
}

// router wires the routes: security headers and auth around everything,
// the dashboard's own routes read-only.
func (s *server) router() http.Handler {
	r := chi.NewRouter()
	r.Use(securityHeaders, s.opts.Auth.Protect)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(methodNotAllowed)
	routes := func(r chi.Router) {
		get(r, "/", s.overview)
		get(r, "/slo/*", s.detail)
		get(r, "/alerts", s.alerts)
		get(r, "/api/v1/slos", s.apiSLOs)
		get(r, "/api/v1/slos/*", s.apiSLO)
		get(r, "/api/v1/alerts", s.apiAlerts)
		get(r, "/api/v1/gate", s.apiGate)
		get(r, "/reports/{team}", s.report)
		get(r, "/static/*", s.staticFiles())
		if s.opts.Mount != nil {
			s.opts.Mount(r)
		}
	}
	if s.prefix == "" {
		routes(r)
	} else {
		r.Route(s.prefix, routes)
		get(r, "/", func(w http.ResponseWriter, req *http.Request) {
			http.Redirect(w, req, s.prefix+"/", http.StatusFound)
		})
	}
	return r
}

// get routes GET and HEAD (net/http drops HEAD bodies) to h.
func get(r chi.Router, pattern string, h http.HandlerFunc) {
	r.Get(pattern, h)
	r.Head(pattern, h)
}

func methodNotAllowed(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "405 method not allowed: the dashboard is read-only", http.StatusMethodNotAllowed)
}

// snapshot returns the current snapshot, or nil.
func (s *server) snapshot() *Snapshot { return s.opts.Snapshot() }

// path returns the link to a dashboard path ("/alerts"), with the prefix.
func (s *server) path(p string) string { return s.prefix + p }

// sloPath returns the link to an SLO's page, its id escaped by escapeID.
func (s *server) sloPath(id string) string { return s.prefix + SLOPath(id) }

// absolute returns the absolute URL of a dashboard path, or "" without an
// external URL.
func (s *server) absolute(p string) string {
	if s.base == nil {
		return ""
	}
	u := *s.base
	return strings.TrimSuffix(u.Scheme+"://"+u.Host, "/") + p
}

// SLOPath returns the escaped path of an SLO's page below the dashboard's
// root, as a link or url.URL.RawPath wants it:
// "/slo/checkout/requests-latency", "/slo/checkout/api/GET%20%2F" for the
// group "GET /" of a grouped SLO. Join it to the external URL's escaped
// path, if any, without cleaning it.
func SLOPath(id string) string { return "/slo/" + escapeID(id) }

// escapeID escapes an SLO id for a path. The slashes between service and
// name and between name and group stay; a group's values, which may hold
// any character, slashes included, are escaped whole, so that an id
// ending in "/" keeps it.
func escapeID(id string) string {
	parts := strings.SplitN(id, "/", 3)
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// idParam returns the SLO id a wildcard route matched, unescaped. A
// trailing slash typed after the id is dropped before unescaping, so that
// an escaped one, the end of a group's value, stays.
func idParam(r *http.Request) string {
	id := chi.URLParam(r, "*")
	if r.URL.RawPath == "" {
		return strings.TrimSuffix(id, "/")
	}
	if u, err := url.PathUnescape(strings.TrimSuffix(id, "/")); err == nil {
		return u
	}
	return id
}
