package daemon

import (
	"net/http"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/burnwatch/burnwatch/web"
)

// newHandler builds the HTTP routes of a config once: the dashboard with
// its API, and /metrics, /healthz and /readyz beside it. A reload that
// changes what they depend on builds new ones and swaps them in.
func (d *Daemon) newHandler(cfg *Config) (http.Handler, error) {
	dash, err := web.New(web.Options{
		Snapshot:    d.snapshot.Load,
		Querier:     querierOf{d},
		ExternalURL: cfg.ExternalURL,
		Auth:        webAuth(cfg),
		Refresh:     time.Duration(cfg.EvaluationInterval),
		Logger:      d.log,
		Mount:       d.opts.Mount,
	})
	if err != nil {
		return nil, err
	}
	r := chi.NewRouter()
	r.Handle("/metrics", promhttp.HandlerFor(d.reg, promhttp.HandlerOpts{Registry: d.reg}))
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	r.Get("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !d.ready.Load() {
			http.Error(w, "waiting for the first evaluation", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	r.Mount("/", dash)
	return r, nil
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
	return !reflect.DeepEqual(old.Web, cur.Web) || old.ExternalURL != cur.ExternalURL || old.EvaluationInterval != cur.EvaluationInterval
}

// swapHandler serves with the routes last set, so that the server keeps
// running while a reload replaces them.
type swapHandler struct{ h atomic.Pointer[http.Handler] }

func (s *swapHandler) set(h http.Handler) { s.h.Store(&h) }

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load()).ServeHTTP(w, r)
}
