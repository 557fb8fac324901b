package daemon

import (
	"cmp"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/burnwatch/burnwatch/web"
)

// routes are the HTTP routes of a config, and the dashboard among them.
type routes struct {
	http.Handler
	dash *web.Dashboard
}

// newHandler builds the HTTP routes of a config once: the dashboard with
// its API, and /metrics, /healthz and /readyz beside it. A reload that
// changes what they depend on builds new ones and swaps them in.
func (d *Daemon) newHandler(cfg *Config) (*routes, error) {
	dash, err := web.New(web.Options{
		Snapshot:          d.snapshot.Load,
		Querier:           querierOf{d},
		Exemplars:         d.exemplars(cfg),
		PrometheusURL:     cmp.Or(cfg.Web.PrometheusURL, cfg.Prometheus.URL),
		GrafanaURL:        cfg.Web.GrafanaURL,
		GrafanaDatasource: cfg.Web.GrafanaDatasourceUID,
		ExternalURL:       cfg.ExternalURL,
		Auth:              webAuth(cfg),
		Refresh:           time.Duration(cfg.EvaluationInterval),
		Logger:            d.log,
		Mount:             d.mountGroups,
	})
	if err != nil {
		return nil, err
	}
	r := chi.NewRouter()
	metrics := d.metricsHandler()
	if cfg.Web.metricsAuth() {
		metrics = webAuth(cfg).Protect(metrics)
	}
	r.Handle("/metrics", metrics)
	healthz := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if r.Method != http.MethodHead {
			w.Write([]byte("ok\n"))
		}
	}
	r.Get("/healthz", healthz)
	r.Head("/healthz", healthz)
	r.Get("/readyz", d.readyz)
	r.Head("/readyz", d.readyz)
	r.Method(http.MethodGet, "/api/v1/status", webAuth(cfg).Protect(http.HandlerFunc(d.status)))
	r.Method(http.MethodGet, "/api/v1/groups", webAuth(cfg).Protect(http.HandlerFunc(d.groupsAPI)))
	r.Mount("/", dash)
	return &routes{Handler: r, dash: dash}, nil
}

// readyFailedCycles is how many cycles in a row in which every query failed
// make /readyz answer 503.
const readyFailedCycles = 3

// readyz answers 200 once the store has been reached and the first
// evaluation cycle has completed, and as long as the last readyFailedCycles
// cycles were not all failures of every query; 503 otherwise, with the
// reason.
func (d *Daemon) readyz(w http.ResponseWriter, _ *http.Request) {
	switch {
	case !d.storeReached.Load():
		http.Error(w, "waiting for the alert store on PostgreSQL at "+d.lease.Address(), http.StatusServiceUnavailable)
	case !d.ready.Load():
		http.Error(w, "waiting for the first evaluation", http.StatusServiceUnavailable)
	case d.failedCycles.Load() >= readyFailedCycles:
		http.Error(w, fmt.Sprintf("every query failed in the last %d evaluation cycles", d.failedCycles.Load()), http.StatusServiceUnavailable)
	default:
		w.Write([]byte("ready\n"))
	}
}

// warnIfOpen logs a warning when the dashboard, its API and /metrics are
// served on an address other hosts can reach, without credentials.
func (d *Daemon) warnIfOpen(cfg *Config, addr string) {
	if exposed(addr) && !webAuth(cfg).Enabled() {
		d.log.Warn("the dashboard, its API and /metrics are served without authentication on an address other hosts can reach; set web.bearer_token or web.basic_auth, or listen on 127.0.0.1",
			"address", addr)
	}
}

// exposed reports whether a listen address is reachable from other hosts:
// anything but a loopback address or localhost.
func exposed(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// webAuth is the dashboard's access rule of a config.
func webAuth(cfg *Config) web.Auth {
	auth := web.Auth{}
	if cfg.Web.BearerToken.Set() {
		auth.BearerToken = cfg.Web.BearerToken.Value()
	}
	if ba := cfg.Web.BasicAuth; ba != nil {
		auth.BasicUser, auth.BasicPassword = ba.Username, ba.Password.Value()
	}
	return auth
}

// webChanged reports whether the routes of cur differ from those of old.
func webChanged(old, cur *Config) bool {
	return !reflect.DeepEqual(old.Web, cur.Web) || old.ExternalURL != cur.ExternalURL || old.EvaluationInterval != cur.EvaluationInterval ||
		!reflect.DeepEqual(old.Alerting.Exemplars, cur.Alerting.Exemplars) || old.Prometheus.URL != cur.Prometheus.URL
}

// swapHandler serves with the routes last set, so that the server keeps
// running while a reload replaces them.
type swapHandler struct{ h atomic.Pointer[routes] }

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.h.Load().ServeHTTP(w, r)
}

// prepareDashboard renders what the dashboard's requests read of the
// snapshot just published (web.Dashboard.Prepare).
func (s *swapHandler) prepareDashboard() {
	if rt := s.h.Load(); rt != nil {
		rt.dash.Prepare()
	}
}
