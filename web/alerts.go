package web

import (
	"net/http"
	"slices"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
)

// alertsPage is what the alerts template shows.
type alertsPage struct {
	Layout   layout
	Firing   []incidentView
	Resolved []incidentView
}

// incidentView is one incident, formatted.
type incidentView struct {
	Key, Kind, Severity, State, Summary string
	SLOID, SLOLink                      string
	Started, StartedTime                string
	Resolved, ResolvedTime              string
	Duration                            string
	// NoDataSince is set while a firing incident is held open for lack
	// of data.
	NoDataSince, NoDataSinceTime string
	Windows                      []burnWindowView
	// RulesCaption says when the rules' burn rates are from.
	RulesCaption string
	Traces       []traceView
	Deliveries   []deliveryView
}

type burnWindowView struct {
	Long, Short, Factor, LongBurn, ShortBurn string
	Firing                                   bool
}

// traceView is a link to an exemplar trace.
type traceView struct {
	TraceID, URL, Reason, At, AtTime string
	Severity                         string
}

type deliveryView struct {
	Receiver, Status, State, LastError string
	Attempts                           int
	Repeat                             bool
	Queued, QueuedTime, Sent, SentTime string
}

func (s *server) alerts(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot()
	p := alertsPage{Layout: s.layout(snap, "Alerts", "alerts")}
	if snap != nil {
		for i := range snap.Incidents {
			v := s.newIncidentView(&snap.Incidents[i], snap)
			if snap.Incidents[i].State == alerting.IncidentFiring {
				p.Firing = append(p.Firing, v)
			} else {
				p.Resolved = append(p.Resolved, v)
			}
		}
	}
	s.render(w, r, "alerts", &p)
}

func (s *server) newIncidentView(in *alerting.Incident, snap *Snapshot) incidentView {
	now := snap.At
	v := incidentView{
		Key: in.Key, Kind: kindLabel(in.Kind), Severity: string(in.Severity), State: string(in.State), Summary: in.Summary,
		SLOID: in.SLOID, SLOLink: s.sloPath(in.SLOID),
		Started: clock(in.StartedAt), StartedTime: machineTime(in.StartedAt),
	}
	if !in.NoDataSince.IsZero() && in.State == alerting.IncidentFiring {
		v.NoDataSince, v.NoDataSinceTime = clock(in.NoDataSince), machineTime(in.NoDataSince)
	}
	end := now
	if !in.ResolvedAt.IsZero() {
		v.Resolved, v.ResolvedTime = clock(in.ResolvedAt), machineTime(in.ResolvedAt)
		end = in.ResolvedAt
		v.Duration = "lasted " + span(end.Sub(in.StartedAt))
	} else {
		v.Duration = "firing for " + span(end.Sub(in.StartedAt))
	}
	v.Windows, v.RulesCaption = incidentRules(in, snap)
	for _, t := range in.Traces {
		v.Traces = append(v.Traces, newTraceView(t, string(in.Severity)))
	}
	for _, d := range in.Deliveries {
		dv := deliveryView{
			Receiver: d.Receiver, Status: string(d.Status), State: string(d.State), LastError: d.LastError,
			Attempts: d.Attempts, Repeat: d.Repeat, Queued: clock(d.QueuedAt), QueuedTime: machineTime(d.QueuedAt),
		}
		if !d.SentAt.IsZero() {
			dv.Sent, dv.SentTime = clock(d.SentAt), machineTime(d.SentAt)
		}
		v.Deliveries = append(v.Deliveries, dv)
	}
	return v
}

func newTraceView(t alerting.TraceLink, severity string) traceView {
	return traceView{
		TraceID: t.TraceID, URL: t.URL, Reason: t.Reason, Severity: severity,
		At: clock(t.At), AtTime: machineTime(t.At),
	}
}

func kindLabel(k alerting.Kind) string {
	switch k {
	case alerting.KindBurn:
		return "budget burn"
	case alerting.KindEvaluationFailing:
		return "evaluation failing"
	case alerting.KindNoData:
		return "no data"
	}
	return string(k)
}

// incidentRules are the rules of an incident's severity with their burn
// rates: for a firing incident those of the latest evaluation (the ones the
// SLO's page shows), for a resolved one those of its last firing
// evaluation, as the incident kept them.
func incidentRules(in *alerting.Incident, snap *Snapshot) ([]burnWindowView, string) {
	var out []burnWindowView
	if st := findStatus(snap, in.SLOID); st != nil && in.State == alerting.IncidentFiring && len(in.Windows) > 0 && len(st.Alerts) > 0 {
		for _, a := range st.Alerts {
			if string(a.Severity) != string(in.Severity) {
				continue
			}
			out = append(out, burnWindowView{
				Long: burnrate.FormatWindow(a.Long), Short: burnrate.FormatWindow(a.Short), Factor: burn(a.Factor),
				LongBurn: burn(a.LongBurnRate), ShortBurn: burn(a.ShortBurnRate), Firing: a.Firing,
			})
		}
		if len(out) > 0 {
			return out, "Rules at the evaluation of " + clock(snap.At)
		}
	}
	for _, bw := range in.Windows {
		out = append(out, burnWindowView{
			Long: bw.Long, Short: bw.Short, Factor: burn(bw.Factor),
			LongBurn: burn(bw.LongBurnRate), ShortBurn: burn(bw.ShortBurnRate), Firing: bw.Firing,
		})
	}
	return out, "Rules at the last firing evaluation"
}

// maxTraces bounds the exemplar traces an SLO's page lists.
const maxTraces = 20

// sloTraces returns the exemplar traces of an SLO's incidents, newest
// first, each trace once.
func sloTraces(incidents []alerting.Incident, id string, from, to time.Time) []traceView {
	type found struct {
		link     alerting.TraceLink
		severity string
	}
	seen := map[string]bool{}
	var all []found
	for _, in := range incidents {
		if in.SLOID != id {
			continue
		}
		for _, t := range in.Traces {
			if t.At.Before(from) || t.At.After(to) {
				continue
			}
			key := t.TraceID + "\x00" + t.URL
			if !seen[key] {
				seen[key] = true
				all = append(all, found{t, string(in.Severity)})
			}
		}
	}
	slices.SortStableFunc(all, func(a, b found) int { return b.link.At.Compare(a.link.At) })
	out := make([]traceView, 0, min(len(all), maxTraces))
	for _, f := range all[:min(len(all), maxTraces)] {
		out = append(out, newTraceView(f.link, f.severity))
	}
	return out
}

// sloIncidents returns the views of an SLO's incidents, newest first, and
// the timeline items that draw them.
func (s *server) sloIncidents(snap *Snapshot, id string) ([]incidentView, []timelineItem) {
	var views []incidentView
	var items []timelineItem
	for i := range snap.Incidents {
		in := &snap.Incidents[i]
		if in.SLOID != id {
			continue
		}
		v := s.newIncidentView(in, snap)
		views = append(views, v)
		lane := string(in.Severity)
		if in.Kind != alerting.KindBurn || (lane != "page" && lane != "ticket") {
			lane = "other"
		}
		end := in.ResolvedAt
		if end.IsZero() {
			end = snap.At
		}
		items = append(items, timelineItem{
			lane: lane, class: lane, from: in.StartedAt, to: end,
			title: v.Severity + " " + v.Kind + ", " + v.Started + " – " + orNow(v.Resolved) + ": " + v.Summary,
		})
	}
	return views, items
}

func orNow(s string) string {
	if s == "" {
		return "now"
	}
	return s
}
