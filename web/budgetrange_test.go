package web_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var polylinePoints = regexp.MustCompile(`<polyline[^>]*points="([^"]+)"`)

// budgetLine returns the y of each point the budget chart draws.
func budgetLine(t *testing.T, page string) []float64 {
	t.Helper()
	var ys []float64
	for _, m := range polylinePoints.FindAllStringSubmatch(svgOf(t, page, "chart-budget"), -1) {
		for _, xy := range strings.Fields(m[1]) {
			_, y, ok := strings.Cut(xy, ",")
			if !ok {
				t.Fatalf("point %q", xy)
			}
			v, err := strconv.ParseFloat(y, 64)
			if err != nil {
				t.Fatal(err)
			}
			ys = append(ys, v)
		}
	}
	return ys
}

func TestTheBudgetChartFollowsAShortRangeStepByStep(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	srv, _ := newDistributionServer(t, at)
	// Errors began 30 minutes ago: over the last hour the budget falls.
	for _, rng := range []string{"1h", "6h"} {
		ys := budgetLine(t, fetch(t, srv+"/slo/checkout/requests-availability?range="+rng))
		if len(ys) < 50 {
			t.Fatalf("range %s: the budget chart draws %d points, want one every few minutes", rng, len(ys))
		}
		if !(ys[0] < ys[len(ys)-1]) {
			t.Errorf("range %s: the budget line does not fall: from y=%v to y=%v", rng, ys[0], ys[len(ys)-1])
		}
	}
}
