package web

import (
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/common/model"
)

// A latency SLI's distribution comes from one range query of its
// histogram's increases per step (burnrate.DistributionQuery): a classic
// histogram's cumulative buckets by `le`, or a native histogram's own
// buckets, which are folded into rows that double.

// distribution is a histogram over time: the observations of each bucket
// in each step.
type distribution struct {
	Times []time.Time
	// Bounds are the buckets' upper bounds, ascending, the last +Inf for
	// a classic histogram.
	Bounds []float64
	// Lowest is where the first bucket starts: 0 for a classic histogram.
	Lowest float64
	// Counts[i][j] is the observations of bucket j in the step ending at
	// Times[i].
	Counts [][]float64
}

// classicDistribution turns cumulative bucket increases by `le` into each
// bucket's own observations: the difference from the bucket below.
func classicDistribution(m model.Matrix) *distribution {
	type bucket struct {
		le     float64
		values map[model.Time]float64
	}
	byLE := map[float64]*bucket{}
	times := map[model.Time]bool{}
	for _, series := range m {
		le, err := strconv.ParseFloat(string(series.Metric["le"]), 64)
		if err != nil {
			continue
		}
		b := byLE[le]
		if b == nil {
			b = &bucket{le: le, values: map[model.Time]float64{}}
			byLE[le] = b
		}
		for _, p := range series.Values {
			if v := float64(p.Value); finite(v) {
				b.values[p.Timestamp] += v
				times[p.Timestamp] = true
			}
		}
	}
	d := &distribution{}
	var buckets []*bucket
	for _, b := range byLE {
		buckets = append(buckets, b)
	}
	slices.SortFunc(buckets, func(a, b *bucket) int { return compareFloat(a.le, b.le) })
	for _, b := range buckets {
		d.Bounds = append(d.Bounds, b.le)
	}
	for _, ts := range sortedTimes(times) {
		d.Times = append(d.Times, ts.Time().UTC())
		row := make([]float64, len(buckets))
		below := 0.0
		for j, b := range buckets {
			cum := b.values[ts]
			row[j] = math.Max(0, cum-below)
			below = math.Max(below, cum)
		}
		d.Counts = append(d.Counts, row)
	}
	return d
}

// nativeDistribution folds a native histogram's buckets into rows that
// double, (2^(k−1), 2^k], each bucket into the row of its upper bound.
func nativeDistribution(m model.Matrix) *distribution {
	perTime := map[model.Time]map[int]float64{}
	rows := map[int]bool{}
	for _, series := range m {
		for _, p := range series.Histograms {
			if p.Histogram == nil {
				continue
			}
			row := perTime[p.Timestamp]
			if row == nil {
				row = map[int]float64{}
				perTime[p.Timestamp] = row
			}
			for _, b := range p.Histogram.Buckets {
				if float64(b.Upper) <= 0 || !finite(float64(b.Count)) {
					continue
				}
				k := int(math.Ceil(math.Log2(float64(b.Upper)) - 1e-9))
				row[k] += float64(b.Count)
				rows[k] = true
			}
		}
	}
	d := &distribution{}
	var ks []int
	if len(rows) > 0 {
		// Every row from the lowest to the highest, empty ones too.
		lo, hi := math.MaxInt, math.MinInt
		for k := range rows {
			lo, hi = min(lo, k), max(hi, k)
		}
		for k := lo; k <= hi; k++ {
			ks = append(ks, k)
			d.Bounds = append(d.Bounds, math.Pow(2, float64(k)))
		}
		d.Lowest = math.Pow(2, float64(lo-1))
	}
	times := map[model.Time]bool{}
	for ts := range perTime {
		times[ts] = true
	}
	for _, ts := range sortedTimes(times) {
		d.Times = append(d.Times, ts.Time().UTC())
		row := make([]float64, len(ks))
		for j, k := range ks {
			row[j] = perTime[ts][k]
		}
		d.Counts = append(d.Counts, row)
	}
	return d
}

func sortedTimes(set map[model.Time]bool) []model.Time {
	out := make([]model.Time, 0, len(set))
	for ts := range set {
		out = append(out, ts)
	}
	slices.Sort(out)
	return out
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
