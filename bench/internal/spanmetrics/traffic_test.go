package spanmetrics

import (
	"strings"
	"testing"
	"time"
)

var epoch = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

func TestCountsAreTheEventsBetweenScrapes(t *testing.T) {
	// 2 calls a second, half of them bad from 60 s to 120 s.
	p := With(Steady(2, 0), time.Minute, 2*time.Minute, 0.5)
	s := sample(p, Shape{Start: epoch, Length: 5 * time.Minute, Scrape: 30 * time.Second})
	c := s.counts
	tests := []struct {
		name            string
		at              time.Duration
		window          time.Duration
		wantCalls, want float64
	}{
		{"the first minute has no bad calls", time.Minute, time.Minute, 120, 0},
		{"the second minute has half of its calls bad", 2 * time.Minute, time.Minute, 120, 60},
		{"two minutes hold the incident and a clean minute", 3 * time.Minute, 2 * time.Minute, 240, 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls, bad, ok := c.Window(epoch.Add(tt.at), tt.window)
			if !ok || calls != tt.wantCalls || bad != tt.want {
				t.Errorf("Window = %v calls, %v bad (%v), want %v, %v", calls, bad, ok, tt.wantCalls, tt.want)
			}
		})
	}
	if _, _, ok := c.Window(epoch.Add(time.Minute), 2*time.Minute); ok {
		t.Error("a window reaching before the history was answered")
	}
}

func TestARestartStartsTheCountersAgainButNotTheTruth(t *testing.T) {
	sh := Shape{Start: epoch, Length: 3 * time.Minute, Scrape: time.Minute, Resets: []time.Duration{90 * time.Second}}
	s := sample(Steady(1, 0.5), sh)
	// Counted since the restart at 90 s: 30 s of calls by the 2-minute scrape.
	if got := s.good[2] + s.bad[2]; got != 30 {
		t.Errorf("counter after the restart = %v, want 30", got)
	}
	if got := s.counts.Calls[2]; got != 60 {
		t.Errorf("truth in the restart's minute = %v, want 60", got)
	}
}

func TestWriterRendersGapsAsMissingScrapes(t *testing.T) {
	var w Writer
	sh := Shape{Start: epoch, Length: 4 * time.Minute, Scrape: time.Minute, Gaps: []Gap{{From: 2 * time.Minute, To: 3 * time.Minute}}}
	w.WriteCalls(map[string]string{"service_name": "a"}, Steady(1, 0), sh)
	w.WriteLatency(map[string]string{"service_name": "b"}, Steady(1, 0.1), sh)
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(text, `traces_span_metrics_calls_total{service_name="a",status_code="STATUS_CODE_UNSET"}`); got != 4 {
		t.Errorf("good calls samples = %d, want 4 of 5 scrapes", got)
	}
	if !strings.Contains(text, `traces_span_metrics_duration_milliseconds_bucket{le="2000",service_name="b",status_code="STATUS_CODE_UNSET"} 216 `) {
		t.Errorf("latency histogram lacks the 2 s bucket after 4 minutes:\n%s", text)
	}
}
