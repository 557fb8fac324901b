package demo

// latency is how long requests take, as a piecewise-linear cumulative
// distribution: points of (seconds, share of requests that take at most
// that long), from share 0 to share 1. The same numbers give a histogram's
// bucket counts and the durations of sampled requests, so exemplars and
// buckets agree.
type latency []point

type point struct{ seconds, cdf float64 }

// share returns the share of requests that take at most s seconds.
func (l latency) share(s float64) float64 {
	if s < l[0].seconds {
		return 0
	}
	for i := 1; i < len(l); i++ {
		if a, b := l[i-1], l[i]; s < b.seconds {
			return a.cdf + (b.cdf-a.cdf)*(s-a.seconds)/(b.seconds-a.seconds)
		}
	}
	return 1
}

// quantile returns the duration, in seconds, that a share u of requests
// stay within.
func (l latency) quantile(u float64) float64 {
	for i := 1; i < len(l); i++ {
		if a, b := l[i-1], l[i]; u <= b.cdf && b.cdf > a.cdf {
			return a.seconds + (b.seconds-a.seconds)*(u-a.cdf)/(b.cdf-a.cdf)
		}
	}
	return l[len(l)-1].seconds
}

// mean returns the average duration in seconds.
func (l latency) mean() float64 {
	m := 0.0
	for i := 1; i < len(l); i++ {
		a, b := l[i-1], l[i]
		m += (b.cdf - a.cdf) * (a.seconds + b.seconds) / 2
	}
	return m
}

// uniform is a latency spread evenly between lo and hi seconds.
func uniform(lo, hi float64) latency { return latency{{lo, 0}, {hi, 1}} }
