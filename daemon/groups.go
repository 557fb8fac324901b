package daemon

import (
	"encoding/json"
	"net/http"
	"time"
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
