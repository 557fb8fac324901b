package demo

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static/demo.css
var staticFiles embed.FS

// traceLink is the trace link template of every SLO in the demo: the
// built-in trace view.
const traceLink = "{{.URL}}/demo/traces/{{.TraceID}}"

// inboxRefresh is how often the inbox page reloads itself, in seconds.
const inboxRefresh = 10

// pages serves the demo's own pages beside the dashboard: the inbox and
// the trace view.
type pages struct {
	inbox  *Inbox
	traces *traceStore
	script Script
	start  time.Time
	// now is the demo's current time: the writer's, which is the wall
	// clock in real time and the simulated clock in tests.
	now            func() time.Time
	log            *slog.Logger
	inboxT, traceT *template.Template
	css            []byte
}

func newPages(inbox *Inbox, traces *traceStore, script Script, start time.Time, now func() time.Time, logger *slog.Logger) (*pages, error) {
	p := &pages{inbox: inbox, traces: traces, script: script, start: start, now: now, log: logger}
	funcs := template.FuncMap{
		"clock":  func(t time.Time) string { return t.Local().Format("15:04:05") },
		"offset": func(t time.Time) string { return Offset(t.Sub(start)) },
	}
	var err error
	if p.inboxT, err = template.New("").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/inbox.html"); err != nil {
		return nil, fmt.Errorf("demo pages: %w", err)
	}
	if p.traceT, err = template.New("").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/trace.html"); err != nil {
		return nil, fmt.Errorf("demo pages: %w", err)
	}
	if p.css, err = fs.ReadFile(staticFiles, "static/demo.css"); err != nil {
		return nil, fmt.Errorf("demo pages: %w", err)
	}
	return p, nil
}

// mount adds the demo's routes to the dashboard's router.
func (p *pages) mount(r chi.Router) {
	get := func(pattern string, h http.HandlerFunc) {
		r.Get(pattern, h)
		r.Head(pattern, h)
	}
	get("/demo", func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, "/demo/inbox", http.StatusFound)
	})
	get("/demo/inbox", p.inboxPage)
	get("/demo/traces/{id}", p.tracePage)
	get("/demo/static/demo.css", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "max-age=300")
		w.Write(p.css)
	})
}

// layoutData is what the layout template reads.
type layoutData struct {
	Title, Section string
	Refresh        int
	Start, Now     time.Time
}

type scheduleRow struct {
	Clock, Offset, Text string
	Expect, Past        bool
}

type inboxData struct {
	layoutData
	Schedule      []scheduleRow
	Notifications []Delivered
	FirstDue      string
}

func (p *pages) inboxPage(w http.ResponseWriter, _ *http.Request) {
	now := p.now()
	data := inboxData{
		layoutData:    layoutData{Title: "Inbox", Section: "inbox", Refresh: inboxRefresh, Start: p.start, Now: now},
		Notifications: p.inbox.Notifications(),
	}
	for _, l := range p.script.timeline() {
		at := p.start.Add(l.At)
		data.Schedule = append(data.Schedule, scheduleRow{
			Clock: at.Local().Format("15:04:05"), Offset: Offset(l.At), Text: l.Text, Expect: l.Expect, Past: !at.After(now),
		})
		if l.Expect && data.FirstDue == "" {
			data.FirstDue = fmt.Sprintf("%s (%s)", at.Local().Format("15:04:05"), Offset(l.At))
		}
	}
	p.render(w, p.inboxT, http.StatusOK, data)
}

type traceData struct {
	layoutData
	ID    string
	Trace *traceView
	Kept  int
}

type traceView struct {
	ID, Started string
	Root        wfRow
	Waterfall   *waterfall
}

func (p *pages) tracePage(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	data := traceData{
		layoutData: layoutData{Title: "Trace " + id, Section: "trace", Start: p.start, Now: p.now()},
		ID:         id,
		Kept:       traceLimit,
	}
	status := http.StatusNotFound
	if t, ok := p.traces.get(id); ok {
		wf := layout(t)
		data.Trace = &traceView{
			ID:        t.id,
			Started:   fmt.Sprintf("%s (%s)", t.start.Local().Format("2006-01-02 15:04:05.000"), Offset(t.start.Sub(p.start))),
			Root:      wf.Rows[0],
			Waterfall: wf,
		}
		status = http.StatusOK
	}
	p.render(w, p.traceT, status, data)
}

// render executes a page into a buffer first, so that a template error is
// a clean 500 rather than half a page.
func (p *pages) render(w http.ResponseWriter, t *template.Template, status int, data any) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		p.log.Error("render demo page", "err", err)
		http.Error(w, "500 internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
