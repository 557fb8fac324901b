package daemon

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/burnwatch/burnwatch/slo"
)

// A config is checked the way specs are: every problem at once, each at its
// place in the file, in the words of YAML (a field, a list, a mapping),
// never in those of the Go types the config decodes into. The check walks
// the YAML tree beside the Config type; what it finds is a shape problem
// (an unknown field, a list where one value goes), and the values that pass
// are then validated by meaning (validate in config.go).

// configCheck collects the problems of one config file and where its
// settings are.
type configCheck struct {
	file  string
	diags slo.Diagnostics
	// nodes maps the path of every setting ("routes[0].receivers[1]") to
	// its YAML node, to place problems found after decoding.
	nodes map[string]*yaml.Node
}

func newConfigCheck(file string) *configCheck {
	return &configCheck{file: file, nodes: map[string]*yaml.Node{}}
}

// add reports a problem at node n about the setting at path ("" for none).
func (c *configCheck) add(n *yaml.Node, path, message string) {
	if path != "" {
		message = path + ": " + message
	}
	d := slo.Diagnostic{Path: c.file, Message: message}
	if n != nil {
		d.Line, d.Column = n.Line, n.Column
	}
	c.diags = append(c.diags, d)
}

// at reports a problem about the setting at path, placed at its node or,
// when the setting is not written, at the closest enclosing one.
func (c *configCheck) at(path, message string) {
	for p := path; ; p = parentPath(p) {
		if n, ok := c.nodes[p]; ok && p != "" {
			c.add(n, path, message)
			return
		}
		if p == "" {
			c.add(nil, path, message)
			return
		}
	}
}

var indexSuffix = regexp.MustCompile(`\[\d+\]$`)

// parentPath is the setting that holds path: "routes[0]" for
// "routes[0].receivers", "routes" for "routes[0]", "" at the top.
func parentPath(path string) string {
	if loc := indexSuffix.FindStringIndex(path); loc != nil {
		return path[:loc[0]]
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

func joinPath(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// shape checks node n against the type t that the setting at path decodes
// into.
func (c *configCheck) shape(n *yaml.Node, t reflect.Type, path string) {
	c.nodes[path] = n
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(yamlUnmarshaler) {
		// A type that parses itself (a secret, a duration) says what is
		// wrong; its fields, if a mapping, are still checked by name.
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			c.add(n, path, yamlMessage(err))
			return
		}
		if t.Kind() != reflect.Struct || n.Kind != yaml.MappingNode {
			return
		}
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			c.add(n, path, "want a mapping of settings, not "+describe(n))
			return
		}
		fields := yamlFields(t)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			switch f, ok := fields[key.Value]; {
			case seen[key.Value]:
				c.add(key, "", fmt.Sprintf("field %q is set twice in %s", key.Value, where(path)))
			case !ok:
				c.add(key, "", fmt.Sprintf("unknown field %q in %s", key.Value, where(path)))
			default:
				c.shape(value, f, joinPath(path, key.Value))
			}
			seen[key.Value] = true
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			c.add(n, path, "want a list, not "+describe(n))
			return
		}
		for i, item := range n.Content {
			c.shape(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.add(n, path, "want a mapping, not "+describe(n))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			c.shape(n.Content[i+1], t.Elem(), joinPath(path, n.Content[i].Value))
		}
	default:
		if n.Kind != yaml.ScalarNode {
			c.add(n, path, "want "+scalarName(t)+", not "+describe(n))
			return
		}
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			c.add(n, path, fmt.Sprintf("%q is not %s", n.Value, scalarName(t)))
		}
	}
}

// yamlFields maps the YAML names of a struct's fields to their types,
// inlined structs included.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case !f.IsExported() || name == "-":
		case strings.Contains(opts, "inline") && f.Type.Kind() == reflect.Struct:
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
		case name != "":
			out[name] = f.Type
		default:
			out[strings.ToLower(f.Name)] = f.Type
		}
	}
	return out
}

func where(path string) string {
	if path == "" {
		return "the config"
	}
	return path
}

// describe names what a node is, in YAML terms.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return fmt.Sprintf("%q", n.Value)
}

// scalarName says what kind of single value a type wants.
func scalarName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number of zero or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a single value"
}

var linePrefix = regexp.MustCompile(`^(yaml: )?line \d+: `)

// yamlMessage is the text of an error of a type that parses itself,
// without the line number (the diagnostic places it) and without a Go type
// dump.
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			msgs[i] = linePrefix.ReplaceAllString(m, "")
		}
		return strings.Join(msgs, "; ")
	}
	return linePrefix.ReplaceAllString(err.Error(), "")
}

var yamlSyntaxLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxProblem places a YAML syntax error.
func (c *configCheck) syntaxProblem(err error) {
	d := slo.Diagnostic{Path: c.file, Message: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	if m := yamlSyntaxLine.FindStringSubmatch(err.Error()); m != nil {
		fmt.Sscan(m[1], &d.Line)
		d.Column = 1
		d.Message = "invalid YAML: " + m[2]
	}
	c.diags = append(c.diags, d)
}
