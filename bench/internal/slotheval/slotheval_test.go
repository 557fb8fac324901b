package slotheval_test

import (
	"context"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/bench/internal/slotheval"
	"github.com/burnwatch/burnwatch/bench/internal/timeline"
	"github.com/burnwatch/burnwatch/internal/promtest"
)

// rules is a rule file shaped like Sloth's: an SLI recorded over one
// window, a rule that reads it, and a page alert on it.
const rules = `groups:
- name: sli
  rules:
  - record: slo:sli_error:ratio_rate5m
    expr: sum(rate(calls_total{code="500"}[5m])) / sum(rate(calls_total[5m]))
    labels: {sloth_id: checkout-availability, sloth_window: 5m}
  - record: slo:sli_error:ratio_rate30d
    expr: avg_over_time(slo:sli_error:ratio_rate5m[30d])
    labels: {sloth_id: checkout-availability, sloth_window: 30d}
- name: alerts
  rules:
  - alert: CheckoutAvailability
    expr: max(slo:sli_error:ratio_rate5m{sloth_id="checkout-availability"} > 0.1) without (sloth_window)
    labels: {sloth_severity: page}
`

func TestParseSortsRulesByWhatTheyRead(t *testing.T) {
	r, err := slotheval.Parse([]byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  int
		want int
	}{
		{"The rule on raw series is recorded.", len(r.Recording), 1},
		{"The rule that reads a recorded series is left out.", len(r.Dependent), 1},
		{"The alert is kept.", len(r.Alerting), 1},
		{"Every expression is listed.", len(r.Exprs()), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %d, want %d", tt.got, tt.want)
			}
		})
	}
	if _, err := slotheval.Parse([]byte("groups:\n- name: x\n  rules:\n  - alert: A\n    expr: up\n    for: 5m\n")); err == nil {
		t.Error("an alert with `for` was accepted; Alerts cannot evaluate pending states")
	}
}

// TestRecordThenAlert records the SLI on a Prometheus holding the calls,
// backfills the records into a second one, and evaluates the alert there:
// it fires from the first scrape with errors on, and not before.
func TestRecordThenAlert(t *testing.T) {
	end := time.Now().Add(-time.Hour).Truncate(time.Minute)
	var ok, bad []promtest.Point
	var okN, badN float64
	for m := 60; m >= 0; m-- {
		at := end.Add(-time.Duration(m) * time.Minute)
		okN += 100
		if m < 10 {
			badN += 100
		}
		ok = append(ok, promtest.Point{T: at, V: okN})
		bad = append(bad, promtest.Point{T: at, V: badN})
	}
	var w promtest.OpenMetricsWriter
	w.WriteCounter("calls_total", map[string]string{"code": "200"}, ok)
	w.WriteCounter("calls_total", map[string]string{"code": "500"}, bad)
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	src := promtest.Start(t, promtest.Options{Backfill: text})
	r, err := slotheval.Parse([]byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	segs := []timeline.Segment{{Start: end.Add(-30 * time.Minute), End: end, Step: time.Minute}}
	var rec promtest.OpenMetricsWriter
	if err := slotheval.Record(context.Background(), src.Querier(), r, segs, &rec); err != nil {
		t.Fatal(err)
	}
	recText, err := rec.Text()
	if err != nil {
		t.Fatal(err)
	}
	dst := promtest.Start(t, promtest.Options{Backfill: recText, ExtraFlags: []string{"--query.lookback-delta=1s"}})
	got, err := slotheval.Alerts(context.Background(), dst.Querier(), r, segs)
	if err != nil {
		t.Fatal(err)
	}
	tl := got["checkout-availability"]
	for _, at := range timeline.Instants(segs...) {
		// The first scrape with errors, 9 minutes before the end, already
		// puts the 5-minute ratio at 1/6, over 10%.
		want := !at.Before(end.Add(-9 * time.Minute))
		if tl.At(at).Page != want {
			t.Errorf("page at %s before the end = %v, want %v", end.Sub(at), tl.At(at).Page, want)
		}
	}
}
