package burnrate

import "testing"

func TestWithinSamplingErrorComparesWithThePoissonQuantile(t *testing.T) {
	for _, tc := range []struct {
		name                      string
		bad, expected, confidence float64
		want                      bool
	}{
		{"one failure where 0.86 are expected is within the median", 1, 0.864, 0.5, true},
		{"two failures where 0.86 are expected are beyond it", 2, 0.864, 0.5, false},
		{"one failure where 0.14 are expected is beyond the median", 1, 0.144, 0.5, false},
		{"an extrapolated 1.3 failures count as one", 1.3, 0.864, 0.5, true},
		{"no failure is always within", 0, 0.01, 0.5, true},
		{"a stricter confidence holds two failures where 0.86 are expected", 2, 0.864, 0.9, true},
		{"over a hundred expected events the guard steps aside", 101, 101, 0.5, false},
		{"unknown counts are never held", nanValue(), 0.5, 0.5, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := withinSamplingError(tc.bad, tc.expected, tc.confidence); got != tc.want {
				t.Errorf("withinSamplingError(%v, %v, %v) = %v, want %v", tc.bad, tc.expected, tc.confidence, got, tc.want)
			}
		})
	}
}

func nanValue() float64 {
	zero := 0.0
	return zero / zero
}
