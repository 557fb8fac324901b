package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// How numbers read on the dashboard. Unknown values (NaN) read as a dash or
// "no data", never as 0.

const unknown = "–"

// percent renders a share (0.431) as "43.1%".
func percent(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return unknown
	}
	return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
}

// objective renders an objective (0.999) as "99.9%", with as many digits
// as the spec wrote.
func objective(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e6)/1e4, 'f', -1, 64) + "%"
}

// errorRatio renders an error ratio with three significant digits:
// "1.25%", "0.0123%".
func errorRatio(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "no data"
	}
	if v == 0 {
		return "0%"
	}
	return strconv.FormatFloat(v*100, 'g', 3, 64) + "%"
}

// burn renders a burn rate or factor: "14.4", "6", "0.4", "0.04".
func burn(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "no data"
	case v == 0:
		return "0"
	case math.Abs(v) < 0.1:
		return strconv.FormatFloat(v, 'g', 1, 64)
	}
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
}

// count renders an event count with thousands separators.
func count(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return unknown
	}
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// span renders a duration for people, to two units: "9d 8h", "3h 12m",
// "42m", "30s".
func span(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	day := 24 * time.Hour
	switch {
	case d >= day:
		days, hours := d/day, (d%day)/time.Hour
		if hours == 0 || days >= 10 {
			return fmt.Sprintf("%dd", days)
		}
		return fmt.Sprintf("%dd %dh", days, hours)
	case d >= time.Hour:
		hours, minutes := d/time.Hour, (d%time.Hour)/time.Minute
		if minutes == 0 {
			return fmt.Sprintf("%dh", hours)
		}
		return fmt.Sprintf("%dh %dm", hours, minutes)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}

// clock renders an instant in UTC: "2026-01-05 12:00 UTC".
func clock(t time.Time) string {
	if t.IsZero() {
		return unknown
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// machineTime is the datetime attribute of a <time> element.
func machineTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
