package demo

import "time"

// share is the share of a workload's requests in one kind of trouble over
// time: a baseline, and the script's episodes. Shares are step functions,
// so the number of requests in trouble over any interval is exact.
type share struct {
	base     float64
	episodes []interval
}

type interval struct {
	from, to time.Time
	value    float64
}

// shareOf collects the episodes of one workload and kind of trouble, at
// absolute times for a start at t0.
func shareOf(base float64, s Script, workload string, kind Trouble, t0 time.Time) share {
	sh := share{base: base}
	for _, e := range s.Episodes {
		if e.Workload == workload && e.Trouble == kind {
			sh.episodes = append(sh.episodes, interval{t0.Add(e.From), t0.Add(e.To), e.Share})
		}
	}
	return sh
}

// integral returns the share integrated over [a, b], in seconds: times the
// request rate, the number of requests in trouble.
func (s share) integral(a, b time.Time) float64 {
	total := s.base * b.Sub(a).Seconds()
	for _, e := range s.episodes {
		lo, hi := e.from, e.to
		if a.After(lo) {
			lo = a
		}
		if b.Before(hi) {
			hi = b
		}
		if hi.After(lo) {
			total += (e.value - s.base) * hi.Sub(lo).Seconds()
		}
	}
	return total
}

// ever reports whether the share is ever above zero.
func (s share) ever() bool {
	if s.base > 0 {
		return true
	}
	for _, e := range s.episodes {
		if e.value > 0 {
			return true
		}
	}
	return false
}
