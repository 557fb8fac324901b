package backtest

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/prometheus/common/model"
)

// WriteDiffText writes a diff for a terminal.
func WriteDiffText(w io.Writer, d *DiffReport) error {
	fmt.Fprintf(w, "diff of alerts %s to %s, one evaluation every %s\n", stamp(d.Old.From), stamp(d.Old.To), model.Duration(d.Old.Step))
	if len(d.SLOs) == 0 {
		fmt.Fprintln(w, "\nno SLO added, removed or changed")
	}
	for _, s := range d.SLOs {
		fmt.Fprintf(w, "\n%s: %s%s\n", s.ID, s.Change, fields(s))
		writeDiffAlerts(w, s, "  ")
	}
	if !d.AlertsChanged() {
		fmt.Fprintln(w, "\nno alert appears or disappears")
	}
	return nil
}

// WriteDiffMarkdown writes a diff for a pull-request comment.
func WriteDiffMarkdown(w io.Writer, d *DiffReport) error {
	fmt.Fprintf(w, "### Alert diff: %s to %s\n\nOne evaluation every %s.\n\n", stamp(d.Old.From), stamp(d.Old.To), model.Duration(d.Old.Step))
	if len(d.SLOs) == 0 {
		fmt.Fprintln(w, "No SLO added, removed or changed.")
		return nil
	}
	fmt.Fprintln(w, "| SLO | change | alerts that appear | disappear | move |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, s := range d.SLOs {
		fmt.Fprintf(w, "| `%s` | %s%s | %d | %d | %d |\n", s.ID, s.Change, fields(s), len(s.Appear), len(s.Disappear), len(s.Moved))
	}
	for _, s := range d.SLOs {
		if len(s.Appear)+len(s.Disappear)+len(s.Moved) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n#### `%s`\n\n", s.ID)
		writeDiffAlerts(w, s, "- ")
	}
	return nil
}

func writeDiffAlerts(w io.Writer, s SLODiff, prefix string) {
	for _, a := range s.Appear {
		fmt.Fprintf(w, "%s+ %s\n", prefix, alertLine(a))
	}
	for _, a := range s.Disappear {
		fmt.Fprintf(w, "%s- %s\n", prefix, alertLine(a))
	}
	for _, m := range s.Moved {
		fmt.Fprintf(w, "%s~ %s, was %s\n", prefix, alertLine(m.New), alertLine(m.Old))
	}
}

func alertLine(a Alert) string {
	return fmt.Sprintf("%s from %s to %s (peak burn %s×)", tier(a), stamp(a.Start), end(a), burn(a.PeakBurn))
}

func fields(s SLODiff) string {
	if len(s.Fields) == 0 {
		return ""
	}
	return " (" + strings.Join(s.Fields, ", ") + ")"
}

// WriteDiffJSON writes a diff as JSON.
func WriteDiffJSON(w io.Writer, d *DiffReport) error {
	type move struct {
		Old jsonAlert `json:"old"`
		New jsonAlert `json:"new"`
	}
	type sloDiff struct {
		ID        string      `json:"id"`
		Change    Change      `json:"change"`
		Fields    []string    `json:"fields"`
		Appear    []jsonAlert `json:"appear"`
		Disappear []jsonAlert `json:"disappear"`
		Moved     []move      `json:"moved"`
	}
	out := struct {
		From          time.Time `json:"from"`
		To            time.Time `json:"to"`
		StepSeconds   float64   `json:"step_seconds"`
		AlertsChanged bool      `json:"alerts_changed"`
		SLOs          []sloDiff `json:"slos"`
	}{From: d.Old.From.UTC(), To: d.Old.To.UTC(), StepSeconds: d.Old.Step.Seconds(), AlertsChanged: d.AlertsChanged(), SLOs: []sloDiff{}}
	conv := func(as []Alert) []jsonAlert {
		res := []jsonAlert{}
		for _, a := range as {
			res = append(res, alertJSON(a, d.Old.To))
		}
		return res
	}
	for _, s := range d.SLOs {
		sd := sloDiff{ID: s.ID, Change: s.Change, Fields: append([]string{}, s.Fields...), Appear: conv(s.Appear), Disappear: conv(s.Disappear), Moved: []move{}}
		for _, m := range s.Moved {
			sd.Moved = append(sd.Moved, move{Old: alertJSON(m.Old, d.Old.To), New: alertJSON(m.New, d.Old.To)})
		}
		out.SLOs = append(out.SLOs, sd)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
