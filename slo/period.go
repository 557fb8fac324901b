package slo

import (
	"fmt"
	"time"

	"github.com/prometheus/common/model"
)

// Calendar names a calendar-aligned SLO period.
type Calendar string

// The calendar periods a spec may use.
const (
	Month Calendar = "month"
	Week  Calendar = "week"
)

// DefaultPeriod is the period of an SLO whose spec names none: rolling 30 days.
const DefaultPeriod = 30 * 24 * time.Hour

// Period is the span over which an SLO's error budget is counted: either a
// rolling window (the last 30 days) or a calendar period (this month, in a
// time zone).
type Period struct {
	// Rolling is the length of a rolling period; zero for a calendar period.
	Rolling time.Duration
	// Calendar is "month" or "week" for a calendar period.
	Calendar Calendar
	// Location is the time zone calendar periods start in.
	Location *time.Location
}

// String renders the period as a spec would write it: "30d", "month",
// "week (Europe/Berlin)".
func (p Period) String() string {
	if p.Calendar == "" {
		return model.Duration(p.Rolling).String()
	}
	if p.Location == nil || p.Location == time.UTC {
		return string(p.Calendar)
	}
	return fmt.Sprintf("%s (%s)", p.Calendar, p.Location)
}

// Nominal is the length that alert windows are scaled by: the rolling length,
// 30 days for a month and 7 days for a week.
func (p Period) Nominal() time.Duration {
	switch p.Calendar {
	case Month:
		return 30 * 24 * time.Hour
	case Week:
		return 7 * 24 * time.Hour
	}
	return p.Rolling
}

// Bounds returns the period that contains at: [at − Rolling, at] for a rolling
// period, or the calendar month or ISO week (Monday first) around at.
func (p Period) Bounds(at time.Time) (start, end time.Time) {
	loc := p.Location
	if loc == nil {
		loc = time.UTC
	}
	local := at.In(loc)
	switch p.Calendar {
	case Month:
		start = time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, loc)
		return start, start.AddDate(0, 1, 0)
	case Week:
		offset := (int(local.Weekday()) + 6) % 7 // days since Monday
		start = time.Date(local.Year(), local.Month(), local.Day()-offset, 0, 0, 0, 0, loc)
		return start, start.AddDate(0, 0, 7)
	}
	return at.Add(-p.Rolling), at
}
