package quality_test

import (
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/bench/internal/timeline"
	"github.com/burnwatch/burnwatch/slo"
)

func TestFloorIsTheQuickestRulesTime(t *testing.T) {
	tests := []struct {
		name  string
		ratio float64
		sev   slo.Severity
		want  time.Duration
	}{
		{"a total outage pages after 51.84 s", 1, slo.Page, 51840 * time.Millisecond},
		{"a 1.6% error ratio pages after 54 minutes", 0.016, slo.Page, 54 * time.Minute},
		{"a 1.1× leak tickets after 65.45 hours", 0.0011, slo.Ticket, 235636363636363 * time.Nanosecond},
		{"a 2× burn cannot page", 0.002, slo.Page, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := floor(tt.ratio, tt.sev); (got - tt.want).Abs() > time.Millisecond {
				t.Errorf("floor = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestJudgeMeasuresDetectionResetAndEpisodes(t *testing.T) {
	t0 := time.Unix(0, 0)
	var instants []time.Time
	tl := timeline.Timeline{}
	for i := range 10 {
		at := t0.Add(time.Duration(i) * time.Minute)
		instants = append(instants, at)
		tl[at.UnixMilli()] = timeline.Decision{Page: i == 2 || i == 3 || i == 6}
	}
	v := judge(tl, instants, t0.Add(time.Minute), t0.Add(5*time.Minute), slo.Page)
	want := verdict{fired: true, detected: time.Minute, reset: 2 * time.Minute, episodes: 2}
	if v != want {
		t.Errorf("judge = %+v, want %+v", v, want)
	}
}
