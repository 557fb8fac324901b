package slo

import (
	"slices"
	"strings"
	"time"
)

// alerting turns an SLO's alert policies into alert windows; without
// policies the default policy for the period applies.
func (r *opensloResolver) alerting(rep *reporter, dec *strictDecoder, entries []opensloPolicyEntry, period time.Duration) Alerting {
	var out Alerting
	if len(entries) == 0 {
		return out
	}
	var targets []string
	windows := []Window{}
	for i := range entries {
		e := &entries[i]
		en := dec.node(e)
		spec, prep, pdec := e.Spec, rep, dec
		switch {
		case e.AlertPolicyRef != "" && e.Spec != nil:
			rep.at(en, "alert policy sets both alertPolicyRef and spec; set one")
			continue
		case e.AlertPolicyRef != "":
			obj := r.set.lookup(opensloAlertPolicy, e.AlertPolicyRef)
			if obj == nil {
				rep.at(dec.node(&e.AlertPolicyRef), "alertPolicyRef %q names no AlertPolicy", e.AlertPolicyRef)
				continue
			}
			prep, pdec = r.reporter(obj.path), obj.dec
			spec = &obj.value.(*opensloPolicyDoc).Spec
		case e.Spec == nil:
			rep.at(en, "alert policy needs alertPolicyRef or an inline AlertPolicy (kind, metadata, spec)")
			continue
		case e.Kind != "" && e.Kind != opensloAlertPolicy:
			rep.at(dec.node(&e.Kind), "inline alert policy has kind %q, want AlertPolicy", e.Kind)
			continue
		}
		w, ts, ok := r.policy(prep, pdec, spec, period)
		if prep != rep {
			r.keep(prep)
		}
		if ok {
			windows = append(windows, w...)
			targets = append(targets, ts...)
		}
	}
	out.Windows = windows
	if len(windows) == 0 {
		out.Page.Disabled, out.Ticket.Disabled = true, true
	}
	slices.Sort(targets)
	if targets = slices.Compact(targets); len(targets) > 0 {
		out.Labels = map[string]string{"notification_targets": strings.Join(targets, ",")}
	}
	return out
}

// policy returns an alert policy's window and its notification targets'
// names; a policy that does not alert when breaching has no window.
func (r *opensloResolver) policy(rep *reporter, dec *strictDecoder, spec *opensloPolicySpec, period time.Duration) ([]Window, []string, bool) {
	n := dec.node(spec)
	ok := true
	var targets []string
	for i := range spec.NotificationTargets {
		t := &spec.NotificationTargets[i]
		switch {
		case t.TargetRef != "":
			if r.set.lookup(opensloTarget, t.TargetRef) == nil {
				rep.at(dec.node(&t.TargetRef), "targetRef %q names no AlertNotificationTarget", t.TargetRef)
				ok = false
			}
			targets = append(targets, t.TargetRef)
		case t.Spec != nil && t.Metadata.Name != "":
			targets = append(targets, t.Metadata.Name)
		default:
			rep.at(dec.node(t), "notification target needs targetRef or an inline AlertNotificationTarget with metadata.name")
			ok = false
		}
	}
	if len(spec.Conditions) != 1 {
		rep.at(orParent(dec.node(&spec.Conditions), n), "conditions holds exactly one condition, got %d", len(spec.Conditions))
		return nil, nil, false
	}
	c := &spec.Conditions[0]
	cspec, crep, cdec := c.Spec, rep, dec
	switch {
	case c.ConditionRef != "":
		obj := r.set.lookup(opensloAlertCondition, c.ConditionRef)
		if obj == nil {
			rep.at(dec.node(&c.ConditionRef), "conditionRef %q names no AlertCondition", c.ConditionRef)
			return nil, nil, false
		}
		crep, cdec = r.reporter(obj.path), obj.dec
		defer r.keep(crep)
		cspec = &obj.value.(*opensloConditionDoc).Spec
	case c.Spec == nil:
		rep.at(dec.node(c), "condition needs conditionRef or an inline AlertCondition (kind, metadata, spec)")
		return nil, nil, false
	}
	w, wok := conditionWindow(crep, cdec, cspec, period)
	if !ok || !wok {
		return nil, nil, false
	}
	if spec.AlertWhenBreaching != nil && !*spec.AlertWhenBreaching {
		return nil, targets, true
	}
	return []Window{w}, targets, true
}

// conditionWindow turns a burn-rate AlertCondition into an alert window.
func conditionWindow(rep *reporter, dec *strictDecoder, spec *opensloConditionSpec, period time.Duration) (Window, bool) {
	c := &spec.Condition
	n := orParent(dec.node(c), dec.node(spec))
	switch {
	case c.Kind != "" && !strings.EqualFold(c.Kind, "burnrate"):
		rep.at(dec.node(&c.Kind), "condition kind %q is not supported: burnwatch alerts on burn rate (kind: burnrate)", c.Kind)
		return Window{}, false
	case c.Op == "lt" || c.Op == "lte":
		rep.at(dec.node(&c.Op), "op %s would alert while the error budget is safe: a burn-rate condition alerts when the burn rate exceeds its threshold (op: gt or gte)", c.Op)
		return Window{}, false
	case c.Op != "" && c.Op != "gt" && c.Op != "gte":
		rep.at(dec.node(&c.Op), "op %q is none of gt and gte", c.Op)
		return Window{}, false
	case c.Threshold == nil:
		rep.at(n, "missing required field %q", "threshold")
		return Window{}, false
	case c.LookbackWindow == "":
		rep.at(n, "missing required field %q", "lookbackWindow")
		return Window{}, false
	}
	sev, ok := opensloSeverity(spec.Severity)
	if !ok {
		rep.at(orParent(dec.node(&spec.Severity), dec.node(spec)), "severity %q is neither a page (page, critical, high, sev1, p1) nor a ticket (ticket, warning, low, sev2, p2, ...)", spec.Severity)
		return Window{}, false
	}
	long, err := opensloDuration(c.LookbackWindow)
	if err != nil {
		rep.at(dec.node(&c.LookbackWindow), "lookbackWindow: %v", err)
		return Window{}, false
	}
	// The short window checks that the burn still goes on: alertAfter,
	// or a twelfth of the long window as the SRE Workbook has it.
	short := long / 12
	if c.AlertAfter != "" && c.AlertAfter != "0m" {
		if short, err = opensloDuration(c.AlertAfter); err != nil {
			rep.at(dec.node(&c.AlertAfter), "alertAfter: %v", err)
			return Window{}, false
		}
	}
	w := Window{Severity: sev, Long: long, Short: short, Factor: *c.Threshold, BudgetShare: *c.Threshold * float64(long) / float64(period)}
	return w, checkWindow(rep, n, w, period)
}

// opensloSeverity maps an AlertCondition's free-form severity to a tier.
func opensloSeverity(s string) (Severity, bool) {
	switch strings.ToLower(s) {
	case "page", "critical", "high", "urgent", "sev1", "sev0", "p1", "p0":
		return Page, true
	case "ticket", "warning", "medium", "low", "info", "sev2", "sev3", "sev4", "p2", "p3", "p4":
		return Ticket, true
	}
	return "", false
}
