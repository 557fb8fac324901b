package slo

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Diagnostic is one problem found in a spec file, located by line and column.
type Diagnostic struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// String renders the diagnostic as path:line:col: message, the form that
// editors and CI logs link to.
func (d Diagnostic) String() string {
	if d.Line == 0 {
		return fmt.Sprintf("%s: %s", d.Path, d.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", d.Path, d.Line, d.Column, d.Message)
}

// Diagnostics is a list of problems. A non-empty list is an error.
type Diagnostics []Diagnostic

// Error joins the diagnostics one per line.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// Sort orders the diagnostics by path, line and column.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// reporter collects the diagnostics of one file.
type reporter struct {
	path  string
	diags Diagnostics
}

// within says whether any problem reported so far lies inside node n's
// lines: the decoder reports problems before the validation of the SLO that
// holds them starts.
func (r *reporter) within(n *yaml.Node) bool {
	first, last := lineSpan(n)
	for _, d := range r.diags {
		if d.Line >= first && d.Line <= last {
			return true
		}
	}
	return false
}

// lineSpan returns the first and last line of a node and its children.
func lineSpan(n *yaml.Node) (first, last int) {
	first, last = n.Line, n.Line
	for _, c := range n.Content {
		_, l := lineSpan(c)
		last = max(last, l)
	}
	return first, last
}

// at records a problem at the position of node n (or the file when n is nil).
func (r *reporter) at(n *yaml.Node, format string, args ...any) {
	d := Diagnostic{Path: r.path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		d.Line, d.Column = n.Line, n.Column
	}
	r.diags = append(r.diags, d)
}
