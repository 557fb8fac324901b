package burnrate

// increaseOf computes what the engine's increase() returns for one counter
// series over the range (start, end] in milliseconds, from its samples in
// that range (base + offsets ascending, vs their values); ok is false when there are
// fewer than two, for which increase() has no result.
//
// The engine takes the difference between the last and the first sample,
// adds the value before each drop (a counter reset), and stretches the
// result from the sampled interval towards the range's edges: all the way
// to an edge when the sample nearest it is less than 1.1 average intervals
// away, else half an average interval, as a series that starts or ends
// inside the range would. Towards the start it never goes past the point
// where the counter, continued backwards at its average rate, would be
// zero. Every step is done in the engine's own order of floating-point
// operations, so that a series' result is equal to the bit.
func increaseOf(base int64, offsets []int32, vs []float64, start, end int64, rules RangeRules) (result float64, ok bool) {
	n := len(offsets)
	if n < 2 {
		return 0, false
	}
	result = vs[n-1] - vs[0]
	for i := 1; i < n; i++ {
		if vs[i] < vs[i-1] {
			result += vs[i-1]
		}
	}
	first, last := base+int64(offsets[0]), base+int64(offsets[n-1])
	toStart := float64(first-start) / 1000
	toEnd := float64(end-last) / 1000
	sampled := float64(last-first) / 1000
	average := sampled / float64(n-1)
	threshold := average * 1.1

	toZero := func(toStart float64) float64 {
		if result > 0 && vs[0] >= 0 {
			if d := sampled * (vs[0] / result); d < toStart {
				return d
			}
		}
		return toStart
	}
	if rules.ZeroFirst {
		toStart = toZero(toStart)
		if toStart >= threshold {
			toStart = average / 2
		}
	} else {
		if toStart >= threshold {
			toStart = average / 2
		}
		toStart = toZero(toStart)
	}
	if toEnd >= threshold {
		toEnd = average / 2
	}
	factor := 1.0
	if sampled != 0 {
		factor = (sampled + toStart + toEnd) / sampled
	}
	return result * factor, true
}
