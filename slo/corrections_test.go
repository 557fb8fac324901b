package slo_test

import (
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

func TestCorrectionsWithinAWindow(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	sundays := slo.Correction{Reason: "maintenance", Recurring: &slo.Recurrence{
		Days: []time.Weekday{time.Sunday}, Start: 4 * time.Hour, Duration: 2 * time.Hour, Location: berlin}}
	outage := slo.Correction{Reason: "CDN outage", From: utc("2026-10-25T02:30:00Z"), To: utc("2026-10-25T03:30:00Z")}
	tests := []struct {
		name     string
		cs       slo.Corrections
		from, to string
		want     []slo.Interval
	}{
		{
			name: "a one-off correction is cut to the window",
			cs:   slo.Corrections{outage},
			from: "2026-10-25T03:00:00Z", to: "2026-10-25T04:00:00Z",
			want: []slo.Interval{{From: utc("2026-10-25T03:00:00Z"), To: utc("2026-10-25T03:30:00Z"), Reason: "CDN outage"}},
		},
		{
			name: "a weekly correction follows its time zone across the end of summer time",
			cs:   slo.Corrections{sundays},
			from: "2026-10-17T00:00:00Z", to: "2026-11-01T12:00:00Z",
			want: []slo.Interval{
				// 04:00 in Berlin is 02:00 UTC in summer, 03:00 UTC in winter.
				{From: utc("2026-10-18T02:00:00Z"), To: utc("2026-10-18T04:00:00Z"), Reason: "maintenance"},
				{From: utc("2026-10-25T03:00:00Z"), To: utc("2026-10-25T05:00:00Z"), Reason: "maintenance"},
				{From: utc("2026-11-01T03:00:00Z"), To: utc("2026-11-01T05:00:00Z"), Reason: "maintenance"},
			},
		},
		{
			name: "an occurrence that began before the window counts from the window's start",
			cs:   slo.Corrections{sundays},
			from: "2026-11-01T04:00:00Z", to: "2026-11-01T12:00:00Z",
			want: []slo.Interval{{From: utc("2026-11-01T04:00:00Z"), To: utc("2026-11-01T05:00:00Z"), Reason: "maintenance"}},
		},
		{
			name: "overlapping spans of two corrections are merged with both reasons",
			cs:   slo.Corrections{sundays, outage},
			from: "2026-10-25T00:00:00Z", to: "2026-10-25T12:00:00Z",
			want: []slo.Interval{{From: utc("2026-10-25T02:30:00Z"), To: utc("2026-10-25T05:00:00Z"), Reason: "CDN outage; maintenance"}},
		},
		{
			name: "a window outside every correction has none",
			cs:   slo.Corrections{sundays, outage},
			from: "2026-10-26T00:00:00Z", to: "2026-10-31T00:00:00Z",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cs.Within(utc(tt.from), utc(tt.to))
			if len(got) != len(tt.want) {
				t.Fatalf("got %d intervals %v, want %v", len(got), got, tt.want)
			}
			for i := range got {
				if !got[i].From.Equal(tt.want[i].From) || !got[i].To.Equal(tt.want[i].To) || got[i].Reason != tt.want[i].Reason {
					t.Errorf("interval %d = %v – %v %q, want %v – %v %q", i, got[i].From, got[i].To, got[i].Reason,
						tt.want[i].From, tt.want[i].To, tt.want[i].Reason)
				}
			}
		})
	}
}

func TestFileCorrectionsApplyToTheSLOsTheyMatch(t *testing.T) {
	spec := `version: burnwatch/v1
team: shop
corrections:
  - reason: whole team
    from: 2026-11-20T10:00:00Z
    to: 2026-11-20T11:00:00Z
  - reason: web tier only
    recurring: {days: [sat], start: "03:00", duration: 1h}
    match: {labels: {tier: web}}
slos:
  - name: a
    service: cart
    objective: 99.9
    labels: {tier: web}
    sli: {raw: {error_ratio_query: 'rate(x[{{.window}}])'}}
    corrections:
      - reason: cart's own
        from: 2026-11-21T10:00:00Z
        to: 2026-11-21T11:00:00Z
  - name: b
    service: search
    objective: 99.9
    sli: {raw: {error_ratio_query: 'rate(x[{{.window}}])'}}
`
	set, diags := slo.LoadBytes("shop.yaml", []byte(spec))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	reasons := func(id string) []string {
		var out []string
		for _, c := range set.Get(id).Corrections {
			out = append(out, c.Reason)
		}
		return out
	}
	if got := reasons("cart/a"); len(got) != 3 || got[0] != "whole team" || got[1] != "web tier only" || got[2] != "cart's own" {
		t.Errorf("cart/a corrections = %q, want the team's, the web tier's and its own", got)
	}
	if got := reasons("search/b"); len(got) != 1 || got[0] != "whole team" {
		t.Errorf("search/b corrections = %q, want only the team's", got)
	}
}
