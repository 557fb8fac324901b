// Package slack sends burnwatch notifications to a Slack incoming webhook
// as Block Kit messages: a header saying what fires, the summary, the
// numbers (objective, budget left, burn rate against threshold per
// window), links to exemplar traces, runbook and dashboard.
//
// Every piece of text that comes from a spec or a trace (summaries,
// descriptions, labels, annotations, trace reasons) is escaped for Slack's
// mrkdwn, and every mrkdwn text object is sent verbatim, so that hostile
// text cannot create links or mentions ("<!channel>" arrives as text).
// Texts are cut to Slack's limits (header 150, section 3000, field 2000
// characters, at most 50 blocks) on a character boundary outside any
// escape sequence or link, and a cut says so.
package slack
