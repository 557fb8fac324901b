package web_test

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// xTicks returns the time labels under a chart's x axis.
func xTicks(t *testing.T, svg string) []string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile(`text-anchor="middle">([^<]+)</text>`).FindAllStringSubmatch(svg, -1) {
		if m[1] != "time (UTC)" {
			out = append(out, m[1])
		}
	}
	return out
}

func TestTheRangeInTheAddressSetsEveryChart(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	srv, _ := newDistributionServer(t, at)
	for _, c := range []struct {
		name, query, says string
		firstTick         string
	}{
		{"an open incident starts the default range half an hour before it", "", "2026-03-02 11:10 UTC to 2026-03-02 12:00 UTC (50m)", "11:15"},
		{"the last hour", "?range=1h", "2026-03-02 11:00 UTC to 2026-03-02 12:00 UTC (1h)", "11:00"},
		{"the last six hours", "?range=6h", "2026-03-02 06:00 UTC to 2026-03-02 12:00 UTC (6h)", "06:00"},
		{"the period", "?range=period", "2026-01-31 12:00 UTC to 2026-03-02 12:00 UTC (30d)", "Feb 2"},
		{"a custom range", "?from=2026-03-02T09:00:00Z&to=2026-03-02T10:00:00Z", "2026-03-02 09:00 UTC to 2026-03-02 10:00 UTC (1h)", "09:00"},
		{"a custom range in Unix seconds", "?from=1772442000&to=1772445600", "2026-03-02 09:00 UTC to 2026-03-02 10:00 UTC (1h)", "09:00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := fetch(t, srv+"/slo/checkout/requests-latency"+c.query)
			if !strings.Contains(body, "Charts show "+c.says+".") {
				t.Errorf("the page does not say the charts show %s", c.says)
			}
			for _, id := range []string{"chart-distribution", "chart-budget", "chart-burn", "chart-error-ratio", "alert-timeline"} {
				ticks := xTicks(t, svgOf(t, body, id))
				if len(ticks) == 0 || ticks[0] != c.firstTick {
					t.Errorf("%s: x axis starts at %v, want %s", id, ticks, c.firstTick)
				}
			}
		})
	}
}

func TestARangeTheAddressGetsWrongIsSaidAndNotUsed(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	srv, _ := newDistributionServer(t, at)
	for _, c := range []struct{ name, query, problem string }{
		{"an unknown preset", "?range=2w", `range &#34;2w&#34; is not one of 1h, 6h, 1d, 7d or period`},
		{"a time that is not one", "?from=yesterday", `from=&#34;yesterday&#34;: not an RFC 3339 time or Unix seconds`},
		{"an end before the start", "?from=2026-03-02T10:00:00Z&to=2026-03-02T09:00:00Z", "is shorter than 5m"},
		{"a range longer than the period", "?from=2025-01-01T00:00:00Z", "is longer than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := fetch(t, srv+"/slo/checkout/requests-latency"+c.query)
			if !strings.Contains(body, "The range in the address was not used: ") || !strings.Contains(body, c.problem) {
				t.Errorf("the page does not say %q", c.problem)
			}
			if !strings.Contains(body, "Charts show 2026-03-02 11:10 UTC to 2026-03-02 12:00 UTC") {
				t.Error("the page does not fall back to the default range")
			}
		})
	}
}

func TestLinksKeepTheRange(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	srv, _ := newDistributionServer(t, at)
	body := fetch(t, srv+"/slo/checkout/requests-latency?range=6h")
	if !strings.Contains(body, `<a href="/slo/checkout/requests-latency?range=6h" aria-current="true">6h</a>`) {
		t.Error("the 6h preset is not marked as the current range")
	}
	if !strings.Contains(body, `name="from" value="2026-03-02T06:00:00Z"`) {
		t.Error("the custom range form does not start from the range shown")
	}
}
