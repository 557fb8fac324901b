package burnrate

import "testing"

func TestSummedCounterEventsQueriesAreReadAsCounters(t *testing.T) {
	tests := []struct {
		name      string
		query     string
		counter   bool
		perSecond bool
	}{
		{"A summed rate over the window is a counter per second.", `sum(rate(calls_total{service="checkout", code=~"5.."}[{{.window}}]))`, true, true},
		{"A summed increase is a counter.", `sum(increase(calls_total[{{.window}}]))`, true, false},
		{"Parentheses inside the sum change nothing.", `sum((rate(calls_total[{{.window}}])))`, true, true},
		{"A sum by labels is free PromQL.", `sum by (code) (rate(calls_total[{{.window}}]))`, false, false},
		{"A fixed range is free PromQL.", `sum(rate(calls_total[5m]))`, false, false},
		{"An offset is free PromQL.", `sum(rate(calls_total[{{.window}}] offset 1h))`, false, false},
		{"Several metrics by name are free PromQL.", `sum(rate({__name__=~"a_total|b_total"}[{{.window}}]))`, false, false},
		{"A difference of sums is free PromQL.", `sum(rate(a_total[{{.window}}])) - sum(rate(b_total[{{.window}}]))`, false, false},
		{"A rate that is not summed is free PromQL.", `rate(calls_total[{{.window}}])`, false, false},
		{"irate is free PromQL.", `sum(irate(calls_total[{{.window}}]))`, false, false},
		{"A window used outside the range is free PromQL.", `sum(rate(calls_total[{{.window}}])) > 0 * vector(scalar(sum(rate(calls_total[{{.window}}]))))`, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := asEventCounter(tt.query)
			if ok != tt.counter || c.perSecond != tt.perSecond {
				t.Errorf("asEventCounter = %+v, %v; want counter %v, per second %v", c, ok, tt.counter, tt.perSecond)
			}
		})
	}
}
