package web

import (
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
)

func TestAHeldRuleSaysWhichGuardHoldsIt(t *testing.T) {
	w := slo.Window{Severity: slo.Page, Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4}
	st := &burnrate.Status{Windows: []burnrate.WindowStatus{{Window: time.Hour, Good: 60, Valid: 61}}}
	for _, tc := range []struct {
		name     string
		alerting slo.Alerting
		want     string
	}{
		{"too few valid events for min_valid_events", slo.Alerting{MinValidEvents: 100}, "held: fewer than 100 valid events in the last 1h"},
		{"bad events within the sampling error", slo.Alerting{LowTrafficConfidence: 0.5}, "held: 1 bad events in the last 1h are within the sampling error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &slo.SLO{Alerting: tc.alerting}
			if got := heldLabel(s, st, w); !strings.HasPrefix(got, tc.want) {
				t.Errorf("label %q, want it to begin %q", got, tc.want)
			}
		})
	}
}
