package backtest

import (
	"slices"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

func TestChangedFieldsNameWhatDiffers(t *testing.T) {
	link, err := slo.NewLinkTemplate("jaeger", "http://127.0.0.1:16686", "")
	if err != nil {
		t.Fatal(err)
	}
	otherLink, err := slo.NewLinkTemplate("zipkin", "http://127.0.0.1:9411", "")
	if err != nil {
		t.Fatal(err)
	}
	base := func() *slo.SLO {
		return &slo.SLO{ID: "api/availability", Service: "api", Objective: 0.999, Period: slo.Period{Rolling: 30 * 24 * time.Hour},
			SLI: slo.SLI{Kind: slo.SLIErrors, Metric: "calls_total"}, Traces: slo.Traces{Link: link},
			Source:      slo.Source{Path: "a.yaml", Line: 3, Column: 5},
			Gate:        &slo.Gate{DenyWhilePaging: true, Source: slo.Source{Path: "a.yaml", Line: 1}},
			Corrections: slo.Corrections{{Reason: "maintenance", From: time.Unix(0, 0), To: time.Unix(3600, 0), Source: slo.Source{Path: "a.yaml", Line: 20}}}}
	}
	for _, tc := range []struct {
		name   string
		change func(s *slo.SLO)
		want   []string
	}{
		{"an SLO and its corrections declared elsewhere, or with a new copy of its link, is unchanged", func(s *slo.SLO) {
			s.Source = slo.Source{Path: "b.yaml", Line: 9}
			s.Corrections[0].Source = slo.Source{Path: "b.yaml", Line: 30}
			s.Gate.Source = slo.Source{Path: "b.yaml", Line: 2}
			s.Traces.Link, _ = slo.NewLinkTemplate("jaeger", "http://127.0.0.1:16686", "")
		}, nil},
		{"a stricter objective is an objective change", func(s *slo.SLO) { s.Objective = 0.9999 }, []string{"objective"}},
		{"a low-traffic guard is an alerting change", func(s *slo.SLO) { s.Alerting.MinValidEvents = 10 }, []string{"alerting"}},
		{"another metric is an SLI change", func(s *slo.SLO) { s.SLI.Metric = "other_total" }, []string{"sli"}},
		{"a longer correction is a corrections change", func(s *slo.SLO) { s.Corrections[0].To = time.Unix(7200, 0) }, []string{"corrections"}},
		{"a gate policy is metadata", func(s *slo.SLO) { s.Gate.DenyWhilePaging = false }, []string{"metadata"}},
		{"a description and a trace link are metadata", func(s *slo.SLO) { s.Description = "x"; s.Traces.Link = otherLink }, []string{"metadata"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := base()
			tc.change(b)
			if got := changedFields(base(), b); !slices.Equal(got, tc.want) {
				t.Errorf("changed %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCompareAlertsPairsOverlappingAlertsOfATier(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 11, 1, h, 0, 0, 0, time.UTC) }
	page := func(from, to int) Alert { return Alert{Severity: slo.Page, Start: at(from), End: at(to)} }
	ticket := func(from, to int) Alert { return Alert{Severity: slo.Ticket, Start: at(from), End: at(to)} }
	old := []Alert{page(1, 2), page(5, 6), ticket(8, 12)}
	new := []Alert{page(1, 2), page(4, 6), page(9, 10), ticket(14, 15)}
	appear, disappear, moved := compareAlerts(old, new)
	if want := []Alert{page(9, 10), ticket(14, 15)}; !slices.Equal(appear, want) {
		t.Errorf("appear %v, want %v", appear, want)
	}
	if want := []Alert{ticket(8, 12)}; !slices.Equal(disappear, want) {
		t.Errorf("disappear %v, want %v", disappear, want)
	}
	if want := []AlertMove{{Old: page(5, 6), New: page(4, 6)}}; !slices.Equal(moved, want) {
		t.Errorf("moved %v, want %v", moved, want)
	}
}
