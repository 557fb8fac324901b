// Package pagerduty sends burnwatch notifications to PagerDuty's Events
// API v2: a firing notification (first or repeat) is a trigger event; an
// updated one (trace links found after the page) a trigger too, whose
// summary starts "Update, trace links found:" and whose links carry the
// new traces; a resolved one a resolve event, whatever ended the incident
// (a recovery, a ticket the page took over, an SLO removed from the
// specs). All carry the incident key as dedup_key, so that PagerDuty
// keeps one incident per burnwatch incident and adds the update to it.
//
// A trigger's payload carries the summary (at most 1024 characters), the
// service as source, the tier mapped to a PagerDuty severity, the
// evaluation time, the SLO as component, the team as group, the kind as
// class, and the numbers in custom_details (with "no_data" while the
// incident is held open for lack of data, and "traces_note" saying why
// there are no trace links); its links point to the exemplar traces, the
// dashboard and the runbook.
//
// PagerDuty refuses an event over 512 KB (a 400, which would drop it as
// final). A trigger that would not fit, because the spec's description,
// labels or annotations are long or there are many trace links, is cut
// until it fits with a margin: texts in custom_details first to 16 KB,
// then shorter, maps and trace lists to fewer entries, down to the SLO's
// names, numbers and the dashboard and runbook links. custom_details
// then has "truncated", the list of the fields shortened.
package pagerduty
