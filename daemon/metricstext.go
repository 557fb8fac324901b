package daemon

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"

	"github.com/burnwatch/burnwatch/web"
)

// The per-SLO families of /metrics (a dozen series per SLO) change once per
// cycle, but a scrape gathered, sorted and encoded them all every time:
// over a second for 2,000 SLOs on a loaded machine. They are rendered once
// per evaluation snapshot instead, in the text format and gzipped, and a
// scrape in that format only gathers burnwatch's own few families and
// appends the rendered ones. The rendering starts when a cycle publishes its
// snapshot, so that scrapes do not wait for it. A gzip stream may hold several members, one
// after another, so the two parts are compressed apart. Any other format a
// scraper negotiates gathers everything, as before.

// sloText is the rendering of the per-SLO families for one snapshot.
type sloText struct {
	snap       *web.Snapshot
	format     expfmt.Format
	plain, gz  []byte
	err        error
	renderOnce sync.Once
}

// sloExposition renders the per-SLO families of the current snapshot once.
type sloExposition struct {
	reg *prometheus.Registry
	d   *Daemon

	mu   sync.Mutex
	last *sloText
}

func newSLOExposition(d *Daemon) *sloExposition {
	reg := prometheus.NewRegistry()
	reg.MustRegister(sloCollector{d})
	return &sloExposition{reg: reg, d: d}
}

// current returns the rendering of the current snapshot, rendering it on
// the first scrape that needs it.
func (x *sloExposition) current(format expfmt.Format) *sloText {
	snap := x.d.snapshot.Load()
	x.mu.Lock()
	t := x.last
	if t == nil || t.snap != snap || t.format != format {
		t = &sloText{snap: snap, format: format}
		x.last = t
	}
	x.mu.Unlock()
	t.renderOnce.Do(func() { t.plain, t.gz, t.err = x.render(format) })
	return t
}

// prepare renders a new snapshot ahead of the next scrape, in the format
// the last scrape asked for (the text format before any scrape).
func (x *sloExposition) prepare() {
	x.mu.Lock()
	format := negotiate(http.Header{})
	if x.last != nil {
		format = x.last.format
	}
	x.mu.Unlock()
	x.current(format)
}

// render encodes the per-SLO families of the snapshot sloCollector reads.
func (x *sloExposition) render(format expfmt.Format) (plain, gz []byte, err error) {
	mfs, err := x.reg.Gather()
	if err != nil {
		return nil, nil, fmt.Errorf("gather SLO metrics: %w", err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, format)
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return nil, nil, fmt.Errorf("encode SLO metrics: %w", err)
		}
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(buf.Bytes())
	if err := zw.Close(); err != nil {
		return nil, nil, fmt.Errorf("compress SLO metrics: %w", err)
	}
	return buf.Bytes(), z.Bytes(), nil
}

// metricsHandler serves /metrics: burnwatch's own registry and the per-SLO
// families.
func (d *Daemon) metricsHandler() http.Handler {
	slos := d.metrics.slos
	full := promhttp.HandlerFor(prometheus.Gatherers{d.reg, slos.reg}, promhttp.HandlerOpts{Registry: d.reg})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		text := negotiate(r.Header)
		if text.FormatType() != expfmt.TypeTextPlain {
			full.ServeHTTP(w, r)
			return
		}
		rendered := slos.current(text)
		own, err := d.reg.Gather()
		if err == nil {
			err = rendered.err
		}
		if err != nil {
			http.Error(w, "An error has occurred while serving metrics:\n\n"+err.Error(), http.StatusInternalServerError)
			return
		}
		var buf bytes.Buffer
		enc := expfmt.NewEncoder(&buf, text)
		for _, mf := range own {
			if err := enc.Encode(mf); err != nil {
				http.Error(w, "An error has occurred while serving metrics:\n\n"+err.Error(), http.StatusInternalServerError)
				return
			}
		}
		w.Header().Set("Content-Type", string(text))
		if !acceptsGzip(r) {
			w.Write(buf.Bytes())
			w.Write(rendered.plain)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write(buf.Bytes())
		zw.Close()
		w.Write(rendered.gz)
	})
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		if enc, _, _ := strings.Cut(strings.TrimSpace(part), ";"); enc == "gzip" {
			return true
		}
	}
	return false
}

// negotiate picks the exposition format a scrape's Accept header asks for,
// among those promhttp serves without OpenMetrics.
func negotiate(h http.Header) expfmt.Format {
	return expfmt.NegotiateAccept(h, expfmt.NewFormat(expfmt.TypeProtoDelim), expfmt.NewFormat(expfmt.TypeProtoText), expfmt.NewFormat(expfmt.TypeProtoCompact), expfmt.NewFormat(expfmt.TypeTextPlain))
}
