package webhook_test

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/alerting/receivertest"
	"github.com/burnwatch/burnwatch/alerting/webhook"
)

// TestSchemaMDDocumentsEveryField keeps SCHEMA.md and the wire format in
// step: every field path of a body has a row in the field table, and
// every row names a field that exists.
func TestSchemaMDDocumentsEveryField(t *testing.T) {
	doc, err := os.ReadFile("SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for line := range strings.Lines(string(doc)) {
		if cell, ok := strings.CutPrefix(line, "| `"); ok {
			documented = append(documented, cell[:strings.IndexByte(cell, '`')])
		}
	}
	var sent []string
	for _, f := range receivertest.Fixtures() {
		body, err := webhook.Body("r", f.Notification)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, paths("", v)...)
	}
	slices.Sort(sent)
	sent = slices.Compact(sent)
	for _, p := range sent {
		if !slices.Contains(documented, p) {
			t.Errorf("field %s is sent but not documented in SCHEMA.md", p)
		}
	}
	for _, p := range documented {
		if !slices.Contains(sent, p) {
			t.Errorf("SCHEMA.md documents %s, which is never sent", p)
		}
	}
}

// paths lists the field paths in v: objects of the fixtures' labels and
// annotations count as one field, list elements as "[]".
func paths(prefix string, v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		if strings.HasSuffix(prefix, "labels") || strings.HasSuffix(prefix, "annotations") {
			return []string{prefix}
		}
		for k, e := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, paths(p, e)...)
		}
	case []any:
		out = append(out, prefix+"[]")
		for _, e := range v {
			out = append(out, paths(prefix+"[]", e)...)
		}
	default:
		out = append(out, prefix)
	}
	return out
}

// TestSchemaMDExampleIsARealBody keeps the example in SCHEMA.md equal to
// what the receiver sends for the firing-page fixture, cut to one trace.
func TestSchemaMDExampleIsARealBody(t *testing.T) {
	doc, err := os.ReadFile("SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```json\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("SCHEMA.md has no ```json example")
	}
	n := receivertest.FiringPage()
	n.Traces = n.Traces[:1]
	body, err := webhook.Body("ops-bridge", n)
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal([]byte(example), &got); err != nil {
		t.Fatalf("SCHEMA.md example: %v", err)
	}
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SCHEMA.md example differs from the body sent:\n%s", body)
	}
}
