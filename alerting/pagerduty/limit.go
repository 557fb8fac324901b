package pagerduty

import (
	"maps"
	"math"
	"slices"
	"unicode/utf8"
)

// MaxEvent is the largest event PagerDuty's Events API v2 accepts: 512 KB.
// A larger one is answered 400 and would be dropped as final.
const MaxEvent = 512 << 10

// maxBody is the most burnwatch sends: MaxEvent less a margin, for
// PagerDuty counting the event after its own decoding and additions.
const maxBody = MaxEvent - 32<<10

// limits bound what one event carries. Body tries unlimited first, then
// each of cuts in turn, until the event fits in maxBody.
type limits struct {
	// text is the longest text in custom_details (a description, a label
	// value); 0 leaves such texts out.
	text int
	// entries is the most entries of a map (labels, annotations) and of
	// the windows.
	entries int
	// traces is the most trace links, in custom_details and in links.
	traces int
}

var (
	unlimited = limits{text: math.MaxInt, entries: math.MaxInt, traces: math.MaxInt}
	cuts      = []limits{
		{text: 16 << 10, entries: 100, traces: 100},
		{text: 4 << 10, entries: 50, traces: 50},
		{text: 1 << 10, entries: 20, traces: 20},
		{text: 256, entries: 10, traces: 10},
		{}, // names, numbers and the dashboard and runbook links only
	}
)

// Floors that hold whatever the limits: an event must still say which SLO
// it is about and link to where the rest is.
const (
	minName = 255  // an SLO id, service, team, incident key
	minLink = 2048 // a link's URL
)

// cutter applies limits while an event is built and lists, in
// custom_details terms, the fields it shortened.
type cutter struct {
	limits
	cut []string
}

// mark records that field was shortened.
func (c *cutter) mark(field string) {
	if !slices.Contains(c.cut, field) {
		c.cut = append(c.cut, field)
	}
}

// text returns s cut to the text limit.
func (c *cutter) text(field, s string) string { return c.cutTo(field, s, c.limits.text) }

// name returns s cut to the text limit, but never below minName bytes.
func (c *cutter) name(field, s string) string { return c.cutTo(field, s, max(c.limits.text, minName)) }

func (c *cutter) cutTo(field, s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	c.mark(field)
	return truncate(s, limit)
}

// labels returns the first entries of m in key order, keys and values cut
// to the text limit; nil when the limit leaves texts out.
func (c *cutter) labels(field string, m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	if c.limits.text == 0 || c.entries == 0 {
		c.mark(field)
		return nil
	}
	keys := slices.Sorted(maps.Keys(m))
	if len(keys) > c.entries {
		c.mark(field)
		keys = keys[:c.entries]
	}
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		out[c.text(field, k)] = c.text(field, m[k])
	}
	return out
}

// count returns how many of n items to keep under limit, marking field
// when that is fewer.
func (c *cutter) count(field string, n, limit int) int {
	if n > limit {
		c.mark(field)
		return limit
	}
	return n
}

// link reports whether a link to href fits: URLs longer than the text
// limit (and minLink) are left out.
func (c *cutter) link(href string) bool {
	if len(href) > max(c.limits.text, minLink) {
		c.mark("links")
		return false
	}
	return true
}

// truncate cuts s to at most limit bytes on a character boundary, ending
// with "…"; a limit too small for that gives "".
func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit - len("…")
	if cut <= 0 {
		return ""
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
