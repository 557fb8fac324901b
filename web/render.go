package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageNames are the templates/*.html files that are pages; the others
// (layout, charts, incidents) are parts every page may use.
var pageNames = []string{"overview", "detail", "alerts", "message", "report"}

// pages holds the parsed templates, one set per page, and the stylesheet's
// version for cache busting.
type pages struct {
	byName        map[string]*template.Template
	styleVersion  string
	scriptVersion string
	static        fs.FS
}

func loadPages() (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(chartFuncs).ParseFS(templateFS, "templates/layout.html", "templates/charts.html", "templates/incidents.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		p.byName[name] = t
	}
	css, err := staticFS.ReadFile("static/style.css")
	if err != nil {
		return nil, fmt.Errorf("read stylesheet: %w", err)
	}
	sum := sha256.Sum256(css)
	p.styleVersion = hex.EncodeToString(sum[:4])
	js, err := staticFS.ReadFile("static/refresh.js")
	if err != nil {
		return nil, fmt.Errorf("read script: %w", err)
	}
	sum = sha256.Sum256(js)
	p.scriptVersion = hex.EncodeToString(sum[:4])
	if p.static, err = fs.Sub(staticFS, "static"); err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	return p, nil
}

// layout is what the frame around every page shows.
type layout struct {
	Title string
	// Section marks the navigation entry of the page.
	Section string
	Prefix  string
	Style   string
	// Script reloads the page without losing the reader's place.
	Script string
	// Refresh is the reload interval in seconds; 0 means none.
	Refresh int
	// Waiting is true before the first evaluation.
	Waiting                      bool
	EvaluatedAt, EvaluatedAtTime string
	Age                          string
	// Stale warns that the evaluation is old: is the daemon evaluating?
	Stale  bool
	Firing int
	// Message marks a page that only says something (not found).
	Message bool
}

// staleAfter is the age at which an evaluation is called out as old.
const staleAfter = 5 * time.Minute

func (s *server) layout(snap *Snapshot, title, section string) layout {
	l := layout{
		Title: title, Section: section, Prefix: s.prefix, Refresh: s.refreshS,
		Style:  s.prefix + "/static/style.css?v=" + s.pages.styleVersion,
		Script: s.prefix + "/static/refresh.js?v=" + s.pages.scriptVersion,
	}
	if snap == nil {
		l.Waiting = true
		return l
	}
	l.EvaluatedAt, l.EvaluatedAtTime = clock(snap.At), machineTime(snap.At)
	age := s.nowFunc().Sub(snap.At)
	l.Age = span(age) + " ago"
	if age < 0 {
		l.Age = "in " + span(age)
	}
	l.Stale = age > staleAfter
	for _, in := range snap.Incidents {
		if in.State == alerting.IncidentFiring {
			l.Firing++
		}
	}
	return l
}

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page into a buffer first, so that a failing template
// answers 500 instead of half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, name string, data any) {
	s.renderStatus(w, r, http.StatusOK, name, data)
}

func (s *server) renderStatus(w http.ResponseWriter, r *http.Request, code int, name string, data any) {
	buf := bufferPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufferPool.Put(buf)
	if err := s.pages.byName[name].ExecuteTemplate(buf, "layout", data); err != nil {
		s.renderFailed(w, r, name, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// renderFailed answers 500 for a page that could not be rendered.
func (s *server) renderFailed(w http.ResponseWriter, r *http.Request, name string, err error) {
	s.log.Error("render dashboard page", "page", name, "path", r.URL.Path, "err", err)
	http.Error(w, "500 internal server error: the page could not be rendered", http.StatusInternalServerError)
}

// messagePage is a page that only says something: not found, waiting.
type messagePage struct {
	Layout  layout
	Heading string
	Text    string
	Back    string
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, s.path("/api/")) {
		writeJSONError(w, http.StatusNotFound, "no such API endpoint: "+r.URL.Path)
		return
	}
	s.renderMessage(w, r, http.StatusNotFound, "Not found", "There is no page at "+r.URL.Path+".")
}

func (s *server) renderMessage(w http.ResponseWriter, r *http.Request, code int, heading, text string) {
	p := messagePage{Layout: s.layout(s.snapshot(), heading, ""), Heading: heading, Text: text, Back: s.path("/")}
	p.Layout.Message = true
	s.renderStatus(w, r, code, "message", &p)
}

// staticFiles serves the embedded stylesheet, cached for a day (links
// carry its version), and no directory listings.
func (s *server) staticFiles() http.HandlerFunc {
	files := http.StripPrefix(s.prefix+"/static/", http.FileServer(http.FS(s.pages.static)))
	return func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			s.notFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	}
}
