package burnrate

import (
	"encoding/json"
	"math"
	"time"
)

// Report is the JSON form of an evaluation, shared by `burnwatch eval`, the
// dashboard's API and the daemon. Numbers that are not known (an error ratio
// without valid events) are null.
type Report struct {
	EvaluatedAt time.Time   `json:"evaluated_at"`
	SLOs        []SLOReport `json:"slos"`
}

// SLOReport is one SLO's evaluation.
type SLOReport struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Service     string            `json:"service"`
	Team        string            `json:"team"`
	Description string            `json:"description,omitempty"`
	Objective   float64           `json:"objective"`
	Period      string            `json:"period"`
	SLI         string            `json:"sli"`
	State       State             `json:"state"`
	Reason      string            `json:"reason,omitempty"`
	Labels      map[string]string `json:"labels"`
	// Windows is keyed by Prometheus duration ("5m", "1h", "30d").
	Windows map[string]WindowReport `json:"windows"`
	Budget  BudgetReport            `json:"budget"`
	Alerts  []AlertReport           `json:"alerts"`
	// Firing is the most severe firing tier: "page", "ticket" or "".
	Firing string `json:"firing"`
	// Exhaustion is the budget-exhaustion alert, when the spec asks for one.
	Exhaustion *ExhaustionReport `json:"exhaustion,omitempty"`
}

// ExhaustionReport is the budget-exhaustion alert: the budget left, at the
// burn rate over Window, lasts ExhaustedInSeconds (null when not being
// spent); it fires under WithinSeconds.
type ExhaustionReport struct {
	Window             string  `json:"window"`
	WithinSeconds      float64 `json:"within_seconds"`
	Severity           string  `json:"severity"`
	BurnRate           Number  `json:"burn_rate"`
	ExhaustedInSeconds Number  `json:"exhausted_in_seconds"`
	Firing             bool    `json:"firing"`
	Held               bool    `json:"held_low_traffic,omitempty"`
}

// WindowReport is the SLI over one window.
type WindowReport struct {
	Good       Number `json:"good"`
	Valid      Number `json:"valid"`
	ErrorRatio Number `json:"error_ratio"`
	BurnRate   Number `json:"burn_rate"`
	// NoData is true when no series answered over the window.
	NoData bool `json:"no_data,omitempty"`
	// CoveredSeconds is how much of the window the data spans (less than
	// the window on a young Prometheus); null when not known.
	CoveredSeconds Number `json:"covered_seconds"`
	// CorrectedSeconds is how much of the window the SLO's corrections
	// cover: their events are not counted. Absent when none does.
	CorrectedSeconds float64 `json:"corrected_seconds,omitempty"`
}

// BudgetReport is the error budget over the period.
type BudgetReport struct {
	PeriodStart time.Time `json:"period_start"`
	PeriodEnd   time.Time `json:"period_end"`
	ErrorRatio  Number    `json:"error_ratio"`
	Remaining   Number    `json:"remaining"`
	Consumed    Number    `json:"consumed"`
	// ExhaustedInSeconds is how long the remaining budget lasts at the
	// current burn rate; null when it is not being spent.
	ExhaustedInSeconds Number `json:"exhausted_in_seconds"`
	// CoveredSeconds is how much of the period so far the data spans:
	// remaining and consumed are over that span only ("the last 2h of the
	// 30d period"); null when not known.
	CoveredSeconds Number `json:"covered_seconds"`
}

// AlertReport is one multi-window rule.
type AlertReport struct {
	Severity      string  `json:"severity"`
	Long          string  `json:"long"`
	Short         string  `json:"short"`
	Factor        float64 `json:"factor"`
	BudgetShare   float64 `json:"budget_share"`
	LongBurnRate  Number  `json:"long_burn_rate"`
	ShortBurnRate Number  `json:"short_burn_rate"`
	Firing        bool    `json:"firing"`
	Held          bool    `json:"held_low_traffic,omitempty"`
}

// coveredSeconds is a coverage in seconds; null when not known (zero).
func coveredSeconds(d time.Duration) Number {
	if d <= 0 {
		return Number(math.NaN())
	}
	return Number(d.Seconds())
}

// Number is a float64 that encodes NaN and infinities as JSON null.
type Number float64

// MarshalJSON writes null for a number that is not finite.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// NewReport builds the report of one evaluation.
func NewReport(res Result) Report {
	r := Report{EvaluatedAt: res.At.UTC(), SLOs: make([]SLOReport, 0, len(res.Statuses))}
	for i := range res.Statuses {
		r.SLOs = append(r.SLOs, NewSLOReport(&res.Statuses[i]))
	}
	return r
}

// NewSLOReport builds the report of one SLO's status.
func NewSLOReport(st *Status) SLOReport {
	s := st.SLO
	out := SLOReport{
		ID: s.ID, Name: s.Name, Service: s.Service, Team: s.Team, Description: s.Description,
		Objective: s.Objective, Period: s.Period.String(), SLI: string(s.SLI.Kind),
		State: st.State, Reason: st.Reason, Labels: s.Labels,
		Windows: map[string]WindowReport{}, Alerts: []AlertReport{}, Firing: string(st.Firing()),
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	for _, w := range st.Windows {
		out.Windows[FormatWindow(w.Window)] = WindowReport{
			Good: Number(w.Good), Valid: Number(w.Valid), ErrorRatio: Number(w.ErrorRatio), BurnRate: Number(w.BurnRate),
			NoData: w.NoData, CoveredSeconds: coveredSeconds(w.Covered), CorrectedSeconds: w.Corrected.Seconds(),
		}
	}
	b := st.Budget
	out.Budget = BudgetReport{
		PeriodStart: b.PeriodStart.UTC(), PeriodEnd: b.PeriodEnd.UTC(),
		ErrorRatio: Number(b.ErrorRatio), Remaining: Number(b.Remaining), Consumed: Number(b.Consumed),
		ExhaustedInSeconds: Number(math.NaN()), CoveredSeconds: coveredSeconds(b.Covered),
	}
	if st.State == StateError {
		out.Budget.Remaining, out.Budget.Consumed = Number(math.NaN()), Number(math.NaN())
	}
	if b.Exhausts {
		out.Budget.ExhaustedInSeconds = Number(b.ExhaustedIn.Seconds())
	}
	if ex := st.Exhaustion; ex != nil {
		out.Exhaustion = &ExhaustionReport{Window: FormatWindow(ex.Window), WithinSeconds: ex.Within.Seconds(), Severity: string(ex.Severity),
			BurnRate: Number(ex.BurnRate), ExhaustedInSeconds: Number(math.NaN()), Firing: ex.Firing, Held: ex.Held}
		if ex.Exhausts {
			out.Exhaustion.ExhaustedInSeconds = Number(ex.In.Seconds())
		}
	}
	for _, a := range st.Alerts {
		out.Alerts = append(out.Alerts, AlertReport{
			Severity: string(a.Severity), Long: FormatWindow(a.Long), Short: FormatWindow(a.Short),
			Factor: a.Factor, BudgetShare: a.BudgetShare,
			LongBurnRate: Number(a.LongBurnRate), ShortBurnRate: Number(a.ShortBurnRate),
			Firing: a.Firing, Held: a.Held,
		})
	}
	return out
}
