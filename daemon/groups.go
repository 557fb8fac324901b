package daemon

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/web"
)

// groupJSON is one grouped SLO in /api/v1/groups: the SLOs it expanded to
// in the last cycle, and why its groups could not be refreshed, if so.
type groupJSON struct {
	ID          string    `json:"id"`
	GroupBy     []string  `json:"group_by"`
	Members     []string  `json:"members"`
	Error       string    `json:"error,omitempty"`
	RefreshedAt time.Time `json:"refreshed_at"`
}

// groupsAPI serves the grouped SLOs, for the dashboard to show each as a
// group of its members' statuses.
func (d *Daemon) groupsAPI(w http.ResponseWriter, _ *http.Request) {
	out := []groupJSON{}
	for _, g := range d.groups.Groups() {
		j := groupJSON{ID: g.ID, GroupBy: g.Labels, Members: g.Members, RefreshedAt: g.RefreshedAt}
		if j.Members == nil {
			j.Members = []string{}
		}
		if g.Err != nil {
			j.Error = d.redactor.Redact(g.Err.Error())
		}
		out = append(out, j)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// groupsPage is a plain page of the dashboard, /groups: each grouped SLO
// with its members' states, linked to their pages. It reads the same
// snapshot as the dashboard.
func (d *Daemon) groupsPage(w http.ResponseWriter, _ *http.Request) {
	type member struct {
		ID, Path, State, Firing string
	}
	type group struct {
		groupJSON
		Rows []member
	}
	statuses := map[string]burnrate.Status{}
	if snap := d.snapshot.Load(); snap != nil {
		for _, st := range snap.Statuses {
			statuses[st.SLO.ID] = st
		}
	}
	var page []group
	for _, g := range d.groups.Groups() {
		pg := group{groupJSON: groupJSON{ID: g.ID, GroupBy: g.Labels, RefreshedAt: g.RefreshedAt}}
		if g.Err != nil {
			pg.Error = d.redactor.Redact(g.Err.Error())
		}
		for _, id := range g.Members {
			m := member{ID: id, Path: strings.TrimPrefix(web.SLOPath(id), "/"), State: "not evaluated yet"}
			if st, ok := statuses[id]; ok {
				m.State, m.Firing = string(st.State), string(st.Firing())
			}
			pg.Rows = append(pg.Rows, m)
		}
		page = append(page, pg)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := groupsTemplate.Execute(w, page); err != nil {
		d.log.Warn("render groups page", "err", err)
	}
}

var groupsTemplate = template.Must(template.New("groups").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Grouped SLOs · burnwatch</title></head>
<body>
<h1>Grouped SLOs</h1>
{{range .}}
<section>
<h2>{{.ID}} <small>by {{range $i, $l := .GroupBy}}{{if $i}}, {{end}}{{$l}}{{end}}</small></h2>
{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}
<table>
<thead><tr><th>SLO</th><th>state</th><th>firing</th></tr></thead>
<tbody>
{{range .Rows}}<tr><td><a href="{{.Path}}">{{.ID}}</a></td><td>{{.State}}</td><td>{{.Firing}}</td></tr>
{{else}}<tr><td colspan="3">no groups found</td></tr>
{{end}}</tbody>
</table>
</section>
{{else}}
<p>No SLO has group_by.</p>
{{end}}
</body></html>
`))

// mountGroups adds the groups page to the dashboard's routes, then the
// routes the daemon's options add.
func (d *Daemon) mountGroups(r chi.Router) {
	r.Get("/groups", d.groupsPage)
	if d.opts.Mount != nil {
		d.opts.Mount(r)
	}
}
