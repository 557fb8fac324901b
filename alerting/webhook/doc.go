// Package webhook sends burnwatch notifications to any HTTP endpoint as a
// documented, versioned JSON body, optionally signed with HMAC-SHA256,
// through the delivery every receiver shares (package transport).
//
// # Request
//
//	POST <url>
//	Content-Type: application/json
//	User-Agent: burnwatch
//	X-Burnwatch-Timestamp: 1772366400             (when a secret is set)
//	X-Burnwatch-Signature: sha256=<64 hex digits> (when a secret is set)
//	<configured headers>
//
// Any 2xx status is success. Any 5xx, a 408 or 429, and transport
// failures (timeouts, refused connections) are retried, after the delay a
// Retry-After on a 429 or 503 asks for; every other status is final.
//
// # Body, schema version 1
//
// SCHEMA.md describes every field; in short:
//
//	{
//	  "version": "1",
//	  "receiver": "<receiver name>",
//	  "notification": {
//	    "id", "incident_key", "kind", "status", "severity", "repeat", "summary",
//	    "slo": {"id", "name", "service", "team", "description", "objective", "period", "labels"},
//	    "starts_at", "ends_at", "evaluated_at", "budget_remaining",
//	    "windows": [{"long", "short", "factor", "long_burn_rate", "short_burn_rate", "firing"}],
//	    "traces": [{"trace_id", "url", "value", "reason", "at"}],
//	    "labels", "annotations", "runbook_url", "dashboard_url", "error",
//	    "end_reason", "no_data_since", "traces_note"
//	  }
//	}
//
// status is "firing", "updated" (trace links found for an incident
// already notified, which still fires: not a new incident) or
// "resolved", with end_reason "recovered", "escalated" (a ticket the page
// took over: no recovery) or "slo_removed". no_data_since is set while a
// firing incident is held open for lack of data; traces_note says why
// traces is empty.
//
// Every field is always present: strings may be "", lists are [] and maps
// {} rather than null, ends_at and no_data_since are null unless set, and
// a number that is not finite (a burn rate over a window without traffic,
// a budget that could not be computed) is null. Times are RFC 3339 in UTC. Within a
// version fields may be added, never removed or changed in meaning.
//
// # Verifying the signature
//
// With Config.Secret set, X-Burnwatch-Signature is "sha256=" and the hex
// HMAC-SHA256, keyed with the secret, of the X-Burnwatch-Timestamp value,
// a ".", and the raw body bytes. A consumer recomputes it over the bytes
// it received (before any JSON decoding), compares in constant time, and
// rejects timestamps more than a few minutes from its clock to stop
// replays. In Go, Verify does the comparison.
package webhook
