package daemon

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/burnwatch/burnwatch/web"
)

// newHandler builds the HTTP routes once: the dashboard with its API, and
// /metrics, /healthz and /readyz beside it.
func (d *Daemon) newHandler(reg *prometheus.Registry) (http.Handler, error) {
	auth := web.Auth{}
	if d.cfg.Web.BearerToken.Set() {
		auth.BearerToken = d.cfg.Web.BearerToken.Value()
	}
	if ba := d.cfg.Web.BasicAuth; ba != nil {
		auth.BasicUser, auth.BasicPassword = ba.Username, ba.Password.Value()
	}
	dash, err := web.New(web.Options{
		Snapshot:    d.snapshot.Load,
		Querier:     querierOf{d},
		ExternalURL: d.cfg.ExternalURL,
		Auth:        auth,
		Refresh:     time.Duration(d.cfg.EvaluationInterval),
		Logger:      d.log,
		Mount:       d.opts.Mount,
	})
	if err != nil {
		return nil, err
	}
	r := chi.NewRouter()
	r.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
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
