package web

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

// overviewPage is what the overview template shows.
type overviewPage struct {
	Layout layout
	// Total is the number of SLOs; Shown of those the filter keeps.
	Total, Shown int
	Summary      []summaryItem
	// Firing is the firing banner's entries, rendered.
	Firing   template.HTML
	Filter   filter
	Teams    []string
	Services []string
	Groups   []group
	// ClearLink drops the filter.
	ClearLink string
}

type summaryItem struct {
	Class, Label string
	Count        int
}

// filter is the overview's query: ?team=&service=&group=team|service|none.
type filter struct {
	Team, Service, Group string
}

func parseFilter(q url.Values) filter {
	f := filter{Team: q.Get("team"), Service: q.Get("service"), Group: q.Get("group")}
	if f.Group != "service" && f.Group != "none" {
		f.Group = "team"
	}
	return f
}

func (f filter) keeps(st *burnrate.Status) bool { return f.keepsSLO(st.SLO.Team, st.SLO.Service) }

// keepsSLO reports whether the filter keeps an SLO of a team and service.
func (f filter) keepsSLO(team, service string) bool {
	return (f.Team == "" || team == f.Team) && (f.Service == "" || service == f.Service)
}

// Active reports whether the filter drops anything.
func (f filter) Active() bool { return f.Team != "" || f.Service != "" }

// group is a team's or service's SLOs, the most urgent first.
type group struct {
	Title, Kind string
	// Link filters the overview down to the group.
	Link string
	Rows []*row
	// HTML is the rows of the group's table, rendered.
	HTML template.HTML
}

// row is one SLO on the overview, its text already formatted: rendering
// a thousand rows stays cheap.
type row struct {
	// HTML is the row's table row as the overview shows it, and
	// FiringHTML its entry in the firing banner when it fires, rendered
	// once per snapshot (prepareOverview); empty on an SLO's own page.
	HTML, FiringHTML template.HTML

	ID, Link, Name, Service, Team, Description string
	Health                                     health
	HealthClass, HealthLabel, HealthTitle      string
	Objective, Period                          string
	// Attainment is the SLI over the period against the objective.
	Attainment attainmentView
	Budget     string
	// BudgetScope is "over the last 2h of 30d" when the budget was counted
	// over less than the period so far; empty otherwise.
	BudgetScope                 string
	Bar                         budgetBar
	Burn, BurnWindow, BurnTitle string
	// BurnCoverage says that the burn rate's window holds less data than
	// its length; empty otherwise.
	BurnCoverage string
	// NoDataSince is when an SLO without data lost it, when known.
	NoDataSince string
	Lasts       string
	Labels      []label
	Reason      string
	// Group is the grouped SLO this one is a member of, nil if none; the
	// overview shows it under its group's Head, which the first member
	// shown carries.
	Group *slo.GroupMember
	Head  *groupHead

	remaining float64
}

type label struct{ Name, Value string }

// budgetBar is a small SVG bar of the budget left, 0..Width pixels.
type budgetBar struct {
	Fill  float64
	Class string
	Title string
}

const budgetBarWidth = 120

func newBudgetBar(remaining float64, scope string) budgetBar {
	b := budgetBar{Title: "budget remaining " + percent(remaining)}
	if scope != "" {
		b.Title += " " + scope
	}
	switch {
	case math.IsNaN(remaining):
		b.Class, b.Title = "unknown", "budget not known"
	case remaining > 0.5:
		b.Class = "good"
	case remaining > 0.2:
		b.Class = "warn"
	default:
		b.Class = "bad"
	}
	if !math.IsNaN(remaining) {
		b.Fill = math.Round(math.Min(1, math.Max(0, remaining))*budgetBarWidth*10) / 10
	}
	return b
}

func (s *server) newRow(snap *Snapshot, st *burnrate.Status) row {
	sl := st.SLO
	h := healthOf(st)
	info := healthInfo[h]
	rem := budgetRemaining(st)
	r := row{
		ID: sl.ID, Link: s.sloPath(sl.ID), Name: sl.Name, Service: sl.Service, Team: sl.Team,
		Description: sl.Description, Health: h,
		HealthClass: info.class, HealthLabel: info.label, HealthTitle: info.title,
		Objective: objective(sl.Objective), Period: sl.Period.String(),
		Budget: percent(rem), BudgetScope: budgetScope(st), Burn: unknown, Lasts: unknown,
		Labels: sortedLabels(sl.Labels), Reason: st.Reason, Group: sl.Group, remaining: rem,
	}
	r.Bar = newBudgetBar(rem, r.BudgetScope)
	r.Attainment = attainment(st)
	if since := noDataSince(snap, st); !since.IsZero() {
		r.NoDataSince = clock(since)
	}
	if a, ok := paceRule(st); ok && st.State != burnrate.StateError {
		r.Burn, r.BurnWindow = burn(a.LongBurnRate), burnrate.FormatWindow(a.Long)
		r.BurnTitle = "burn rate over the last " + r.BurnWindow + "; the " + string(a.Severity) + " rule fires above " + burn(a.Factor)
		if w, ok := st.Window(a.Long); ok {
			r.BurnCoverage = windowCoverage(w)
		}
	}
	switch {
	case math.IsNaN(rem):
	case rem <= 0:
		r.Lasts = "spent"
	case st.Budget.Exhausts:
		r.Lasts = span(st.Budget.ExhaustedIn)
	default:
		r.Lasts = "not burning"
	}
	return r
}

func sortedLabels(m map[string]string) []label {
	out := make([]label, 0, len(m))
	for k, v := range m {
		out = append(out, label{k, v})
	}
	slices.SortFunc(out, func(a, b label) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// worstFirst orders rows by urgency, then by budget left: firing SLOs
// (pages before tickets), then burning ones, then the rest, each lowest
// budget first with unknown budgets last; ties by health, then id.
func worstFirst(a, b row) int {
	if c := cmp.Compare(urgency(a.Health), urgency(b.Health)); c != 0 {
		return c
	}
	an, bn := math.IsNaN(a.remaining), math.IsNaN(b.remaining)
	switch {
	case an && !bn:
		return 1
	case bn && !an:
		return -1
	case !an && a.remaining != b.remaining:
		return cmp.Compare(a.remaining, b.remaining)
	}
	return cmp.Or(cmp.Compare(a.Health, b.Health), cmp.Compare(a.ID, b.ID))
}

// urgency ranks a health for ordering: a page, a ticket, a burning SLO,
// then every other alike.
func urgency(h health) int {
	switch h {
	case healthPage, healthTicket, healthBurning:
		return int(h)
	}
	return int(healthOK) + 1
}

func (s *server) overview(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot()
	p := overviewPage{Layout: s.layout(snap, "Error budgets", "overview"), Filter: parseFilter(r.URL.Query())}
	p.ClearLink = s.path("/")
	if snap != nil {
		prep := s.preparedFor(snap)
		prep.overviewUsed.Store(true)
		ov := s.overviewOf(prep)
		err := ov.err
		if err == nil {
			err = s.fillOverview(&p, ov)
		}
		if err != nil {
			s.renderFailed(w, r, "overview", err)
			return
		}
	}
	s.render(w, r, "overview", &p)
}

// fillOverview builds the overview of a snapshot's prepared rows under
// p.Filter.
func (s *server) fillOverview(p *overviewPage, ov *preparedOverview) error {
	counts := map[health]int{}
	rows := make([]*row, 0, len(ov.rows))
	for i := range ov.rows {
		if r := &ov.rows[i]; p.Filter.keepsSLO(r.Team, r.Service) {
			rows = append(rows, r)
			counts[r.Health]++
		}
	}
	p.Total, p.Shown = len(ov.rows), len(rows)
	p.Teams, p.Services = ov.teams, ov.services
	rows = gatherGroups(rows)
	for h := healthPage; h <= healthOK; h++ {
		if counts[h] > 0 {
			p.Summary = append(p.Summary, summaryItem{Class: healthInfo[h].class, Label: healthInfo[h].label, Count: counts[h]})
		}
	}
	var firing strings.Builder
	for _, r := range rows {
		firing.WriteString(string(r.FiringHTML))
	}
	p.Firing = template.HTML(firing.String())
	p.Groups = s.groupRows(rows, p.Filter)
	t := s.pages.byName["overview"]
	for i := range p.Groups {
		g := &p.Groups[i]
		size := 0
		for _, r := range g.Rows {
			size += len(r.HTML)
		}
		var b strings.Builder
		b.Grow(size)
		for _, r := range g.Rows {
			if r.Head != nil {
				if err := t.ExecuteTemplate(&b, "overviewhead", r.Head); err != nil {
					return fmt.Errorf("render the head of grouped SLO %s: %w", r.Head.ID, err)
				}
			}
			b.WriteString(string(r.HTML))
		}
		g.HTML = template.HTML(b.String())
	}
	return nil
}

// groupRows groups sorted rows by team or service; a group's place is its
// worst SLO's.
func (s *server) groupRows(rows []*row, f filter) []group {
	if f.Group == "none" {
		return []group{{Title: "All SLOs", Rows: rows}}
	}
	var out []group
	index := map[string]int{}
	for _, r := range rows {
		key := r.Team
		if f.Group == "service" {
			key = r.Service
		}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			q := url.Values{f.Group: {key}}
			if f.Group == "service" {
				q.Set("group", "service")
			}
			out = append(out, group{Title: key, Kind: f.Group, Link: s.path("/") + "?" + q.Encode()})
		}
		out[i].Rows = append(out[i].Rows, r)
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
