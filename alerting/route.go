package alerting

import (
	"slices"

	"github.com/burnwatch/burnwatch/slo"
)

// Route sends the notifications it matches to its receivers. Routes are
// tried in order; the first that matches wins unless it says Continue.
type Route struct {
	Match     Match
	Receivers []string
	// Continue lets later routes match too.
	Continue bool
}

// Match selects notifications by the SLO's team, service and labels and the
// notification's severity and kind. An empty list or map matches anything.
type Match struct {
	Teams      []string
	Services   []string
	Severities []string
	Kinds      []Kind
	Labels     map[string]string
}

// Router picks the receivers of a notification.
type Router struct {
	Routes []Route
	// Default receives what no route matches.
	Default []string
}

// Receivers returns the receivers for a notification about s (nil for a
// notification about no single SLO), without duplicates.
func (r Router) Receivers(s *slo.SLO, severity string, kind Kind) []string {
	var out []string
	add := func(names []string) {
		for _, n := range names {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	for _, route := range r.Routes {
		if !route.Match.matches(s, severity, kind) {
			continue
		}
		add(route.Receivers)
		if !route.Continue {
			return out
		}
	}
	if len(out) == 0 {
		add(r.Default)
	}
	return out
}

func (m Match) matches(s *slo.SLO, severity string, kind Kind) bool {
	var team, service string
	var labels map[string]string
	if s != nil {
		team, service, labels = s.Team, s.Service, s.Labels
	}
	if !anyOf(m.Teams, team) || !anyOf(m.Services, service) || !anyOf(m.Severities, severity) {
		return false
	}
	if len(m.Kinds) > 0 && !slices.Contains(m.Kinds, kind) {
		return false
	}
	for k, v := range m.Labels {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func anyOf(list []string, v string) bool {
	return len(list) == 0 || slices.Contains(list, v)
}
