package slack

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Slack's limits, in bytes: a byte count never undercounts Slack's
// characters, whether it counts code points or UTF-16 units.
const (
	maxHeader   = 150  // header block text
	maxText     = 3000 // section and context text
	maxField    = 2000 // one section field
	maxFields   = 10   // fields in one section
	maxBlocks   = 50   // blocks in one message
	maxFallback = 3000 // top-level text; Slack allows more, a preview needs less
	maxTraces   = 10   // trace links listed
	maxURL      = 1000 // longer URLs are not linked
)

// truncatedNote marks text that was cut.
const truncatedNote = "… _(truncated)_"

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape makes s safe as mrkdwn text: it cannot open a link, a mention or
// an entity of its own.
func escape(s string) string { return mrkdwnEscaper.Replace(s) }

// urlEscaper makes a URL safe inside <url|label>: "|" and ">" would end
// it early, "<" and spaces do not belong in it, "&" is an entity start.
var urlEscaper = strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C", " ", "%20")

// link returns a mrkdwn link to rawURL reading label, or the escaped
// label alone when rawURL is not an http or https URL of a sane length.
func link(rawURL, label string) string {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(rawURL) > maxURL {
		return escape(label)
	}
	return "<" + urlEscaper.Replace(rawURL) + "|" + escape(label) + ">"
}

// truncate cuts escaped mrkdwn text without links to at most limit bytes,
// ending with truncatedNote. It never splits a character or an entity
// such as &amp;.
func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := max(limit-len(truncatedNote), 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	// escape writes "&" only to start an entity: back off to before an
	// entity that the cut would split.
	if i := strings.LastIndexByte(s[:cut], '&'); i >= 0 && !strings.Contains(s[i:cut], ";") {
		cut = i
	}
	return s[:cut] + truncatedNote
}

// truncatePlain cuts plain text (no escaping) to at most limit bytes on a
// character boundary, ending with "…".
func truncatePlain(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// joinLines joins title and lines, each valid mrkdwn already, with line
// breaks. To stay within limit it leaves out whole lines from the end and
// says how many.
func joinLines(title string, lines []string, limit int) string {
	out := title
	for i, l := range lines {
		next := out + "\n" + l
		if len(next)+len(moreNote(len(lines)-i-1)) <= limit {
			out = next
			continue
		}
		// The previous round left room for this note.
		return out + moreNote(len(lines)-i)
	}
	return out
}

// moreNote is the line saying n lines were left out, "" for none.
func moreNote(n int) string {
	if n == 0 {
		return ""
	}
	return "\n_… and " + strconv.Itoa(n) + " more (truncated)_"
}
