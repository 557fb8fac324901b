package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
)

// The JSON API speaks burnrate's report types, the same fields `burnwatch
// eval` prints, with a few the dashboard adds (sloJSON). Numbers that are
// not known are null, never NaN.

// slosReport is the body of /api/v1/slos: burnrate.Report with each SLO
// as sloJSON.
type slosReport struct {
	EvaluatedAt time.Time `json:"evaluated_at"`
	SLOs        []sloJSON `json:"slos"`
}

// alertsReport is the body of /api/v1/alerts.
type alertsReport struct {
	EvaluatedAt time.Time      `json:"evaluated_at"`
	Incidents   []incidentJSON `json:"incidents"`
}

// incidentJSON is an alerting.Incident whose floats cannot break JSON: its
// windows and traces are replaced by copies with null for NaN.
type incidentJSON struct {
	alerting.Incident
	Windows    []burnWindowJSON    `json:"windows"`
	Traces     []traceLinkJSON     `json:"traces"`
	Deliveries []alerting.Delivery `json:"deliveries"`
}

// sloJSON is burnrate's report of one SLO with what the dashboard adds:
// over what the budget was counted, and since when the SLO has had no
// data.
type sloJSON struct {
	burnrate.SLOReport
	Budget budgetJSON `json:"budget"`
	// NoDataSince is when an SLO in state no_data lost its data, as far as
	// its open incidents tell; absent otherwise.
	NoDataSince *time.Time `json:"no_data_since,omitempty"`
}

type budgetJSON struct {
	burnrate.BudgetReport
	// CoveredLabel is "over the last 2h of 30d" when the budget was
	// counted over less than the period so far; absent otherwise.
	CoveredLabel string `json:"covered_label,omitempty"`
}

func newSLOJSON(snap *Snapshot, st *burnrate.Status) sloJSON {
	rep := burnrate.NewSLOReport(st)
	out := sloJSON{SLOReport: rep, Budget: budgetJSON{BudgetReport: rep.Budget, CoveredLabel: budgetScope(st)}}
	if since := noDataSince(snap, st); !since.IsZero() {
		since = since.UTC()
		out.NoDataSince = &since
	}
	return out
}

type burnWindowJSON struct {
	Long          string          `json:"long"`
	Short         string          `json:"short"`
	Factor        burnrate.Number `json:"factor"`
	LongBurnRate  burnrate.Number `json:"long_burn_rate"`
	ShortBurnRate burnrate.Number `json:"short_burn_rate"`
	Firing        bool            `json:"firing"`
}

type traceLinkJSON struct {
	alerting.TraceLink
	Value burnrate.Number `json:"value"`
}

func newIncidentJSON(in alerting.Incident) incidentJSON {
	out := incidentJSON{
		Incident: in, Windows: []burnWindowJSON{}, Traces: []traceLinkJSON{},
		Deliveries: in.Deliveries,
	}
	if out.Deliveries == nil {
		out.Deliveries = []alerting.Delivery{}
	}
	for _, w := range in.Windows {
		out.Windows = append(out.Windows, burnWindowJSON{
			Long: w.Long, Short: w.Short, Factor: burnrate.Number(w.Factor),
			LongBurnRate: burnrate.Number(w.LongBurnRate), ShortBurnRate: burnrate.Number(w.ShortBurnRate), Firing: w.Firing,
		})
	}
	for _, t := range in.Traces {
		out.Traces = append(out.Traces, traceLinkJSON{TraceLink: t, Value: burnrate.Number(t.Value)})
	}
	return out
}

func (s *server) apiSLOs(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot()
	if snap == nil {
		writeWaiting(w)
		return
	}
	f := parseFilter(r.URL.Query())
	p := s.preparedFor(snap)
	p.apiUsed.Store(true)
	a := apiOf(p)
	kept := make([]int, 0, len(snap.Statuses))
	err := a.atErr
	for i := range snap.Statuses {
		if f.keeps(&snap.Statuses[i]) {
			kept = append(kept, i)
			err = cmp.Or(err, a.errs[i])
		}
	}
	if err != nil {
		s.encodeFailed(w, r, err)
		return
	}
	// The body is slosReport as json.Encoder writes it, from its parts.
	setJSONHeaders(w)
	_, _ = io.WriteString(w, `{"evaluated_at":`)
	_, _ = w.Write(a.at)
	_, _ = io.WriteString(w, `,"slos":[`)
	for n, i := range kept {
		if n > 0 {
			_, _ = io.WriteString(w, ",")
		}
		_, _ = w.Write(a.slos[i])
	}
	_, _ = io.WriteString(w, "]}\n")
}

func (s *server) apiSLO(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot()
	if snap == nil {
		writeWaiting(w)
		return
	}
	id := idParam(r)
	st := findStatus(snap, id)
	if st == nil {
		writeJSONError(w, http.StatusNotFound, "no SLO has the id "+id)
		return
	}
	s.writeJSON(w, r, newSLOJSON(snap, st))
}

func (s *server) apiAlerts(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot()
	if snap == nil {
		writeWaiting(w)
		return
	}
	rep := alertsReport{EvaluatedAt: snap.At.UTC(), Incidents: make([]incidentJSON, 0, len(snap.Incidents))}
	for _, in := range snap.Incidents {
		rep.Incidents = append(rep.Incidents, newIncidentJSON(in))
	}
	s.writeJSON(w, r, rep)
}

// writeJSON encodes v first, so that an encoding failure answers 500
// instead of half a body.
func (s *server) writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		s.encodeFailed(w, r, err)
		return
	}
	setJSONHeaders(w)
	_, _ = w.Write(buf.Bytes())
}

// encodeFailed answers 500 for an answer that could not be encoded.
func (s *server) encodeFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("encode dashboard API answer", "path", r.URL.Path, "err", err)
	writeJSONError(w, http.StatusInternalServerError, "the answer could not be encoded")
}

func setJSONHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
}

// writeWaiting answers an API request before the first evaluation.
func writeWaiting(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "30")
	writeJSONError(w, http.StatusServiceUnavailable, "waiting for the first evaluation")
}

func writeJSONError(w http.ResponseWriter, code int, msg string) {
	body, _ := json.Marshal(map[string]string{"error": msg})
	setJSONHeaders(w)
	w.WriteHeader(code)
	_, _ = w.Write(append(body, '\n'))
}
