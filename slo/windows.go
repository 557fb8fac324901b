package slo

import (
	"fmt"
	"math"
	"time"

	"github.com/prometheus/common/model"
	alertwindowsv1 "github.com/slok/sloth/pkg/prometheus/alertwindows/v1"
	"gopkg.in/yaml.v3"
)

// factorFor returns the burn-rate factor at which a window of length long
// consumes budgetShare of a period's error budget.
func factorFor(budgetShare float64, period, long time.Duration) float64 {
	return budgetShare * float64(period) / float64(long)
}

// checkWindow reports a window that makes no sense; n points at it.
func checkWindow(rep *reporter, n *yaml.Node, w Window, period time.Duration) bool {
	ok := true
	fail := func(format string, args ...any) {
		rep.at(n, format, args...)
		ok = false
	}
	if w.Severity != Page && w.Severity != Ticket {
		fail("window severity %q is neither page nor ticket", w.Severity)
	}
	if w.Short <= 0 || w.Long <= 0 {
		fail("window needs a positive long and short duration")
	} else if w.Short >= w.Long {
		fail("window short %s is not shorter than long %s", model.Duration(w.Short), model.Duration(w.Long))
	}
	if w.Long > period {
		fail("window long %s is longer than the SLO period %s", model.Duration(w.Long), model.Duration(period))
	}
	if math.IsNaN(w.Factor) || w.Factor <= 0 {
		fail("window factor %v is not positive", w.Factor)
	} else if math.IsNaN(w.BudgetShare) || w.BudgetShare <= 0 || w.BudgetShare > 1 {
		fail("window budget share %v%% is not in (0, 100]", w.BudgetShare*100)
	}
	return ok
}

// nativeWindows turns a spec's inline windows into validated windows.
func nativeWindows(rep *reporter, dec *strictDecoder, specs []windowSpec, period time.Duration) []Window {
	var out []Window
	for i := range specs {
		ws := &specs[i]
		n := dec.node(ws)
		w := Window{Severity: Severity(ws.Severity)}
		var err error
		if w.Long, err = parseDuration(ws.Long); err != nil {
			rep.at(orParent(dec.node(&ws.Long), n), "window long: %v", err)
			continue
		}
		if w.Short, err = parseDuration(ws.Short); err != nil {
			rep.at(orParent(dec.node(&ws.Short), n), "window short: %v", err)
			continue
		}
		switch {
		case ws.Factor != nil && ws.BudgetPercent != nil:
			rep.at(n, "window sets both factor and budget_percent; set one")
			continue
		case ws.Factor != nil:
			w.Factor = *ws.Factor
			w.BudgetShare = w.Factor * float64(w.Long) / float64(period)
		case ws.BudgetPercent != nil:
			w.BudgetShare = *ws.BudgetPercent / 100
			w.Factor = factorFor(w.BudgetShare, period, w.Long)
		default:
			rep.at(n, "window needs factor or budget_percent")
			continue
		}
		if checkWindow(rep, n, w, period) {
			out = append(out, w)
		}
	}
	return out
}

// slothWindows turns a Sloth AlertWindows document into windows for its
// period: page quick and slow, ticket quick and slow.
func slothWindows(rep *reporter, dec *strictDecoder, aw *alertwindowsv1.AlertWindows) (time.Duration, []Window) {
	period := time.Duration(aw.Spec.SLOPeriod)
	root := dec.node(aw)
	if period <= 0 {
		rep.at(orParent(dec.node(&aw.Spec.SLOPeriod), root), "sloPeriod must be a positive duration")
		return 0, nil
	}
	tiers := []struct {
		sev  Severity
		w    *alertwindowsv1.Window
		name string
	}{
		{Page, &aw.Spec.Page.Quick, "page.quick"},
		{Page, &aw.Spec.Page.Slow, "page.slow"},
		{Ticket, &aw.Spec.Ticket.Quick, "ticket.quick"},
		{Ticket, &aw.Spec.Ticket.Slow, "ticket.slow"},
	}
	var out []Window
	for _, t := range tiers {
		n := orParent(dec.node(t.w), root)
		w := Window{
			Severity:    t.sev,
			Long:        time.Duration(t.w.LongWindow),
			Short:       time.Duration(t.w.ShortWindow),
			BudgetShare: t.w.ErrorBudgetPercent / 100,
		}
		if w.Long > 0 {
			w.Factor = factorFor(w.BudgetShare, period, w.Long)
		}
		r := &reporter{path: rep.path}
		if checkWindow(r, n, w, period) {
			out = append(out, w)
			continue
		}
		for _, d := range r.diags {
			d.Message = t.name + ": " + d.Message
			rep.diags = append(rep.diags, d)
		}
	}
	return period, out
}

// parseThreshold parses a latency threshold: a Prometheus duration or a Go
// one with a fraction ("1.5s").
func parseThreshold(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	d, err := parseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration like 250ms, 1.5s or 2s", s)
	}
	return d, nil
}

// parseDuration parses a Prometheus duration ("5m", "1h30m", "30d").
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("missing duration")
	}
	d, err := model.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration like 5m, 1h or 30d", s)
	}
	return time.Duration(d), nil
}
