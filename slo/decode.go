package slo

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// strictDecoder decodes a YAML node tree into Go structs and reports every
// problem with its line and column: unknown fields, duplicate keys and values
// of the wrong type. It reads field names from the struct tag named by tag,
// so one decoder serves burnwatch's own yaml-tagged types and Sloth's
// json-tagged spec types alike.
//
// yaml.v3's own KnownFields check stops at the first problem and reports a
// line without a column; a spec author wants every problem, pointed at.
type strictDecoder struct {
	tag string
	rep *reporter
	// nodes remembers which node each decoded value came from, keyed by the
	// value's address, so that later validation can point at it.
	nodes map[any]*yaml.Node
	// visits counts decoded nodes, aliases expanded, so that an alias bomb
	// ("billion laughs") ends with an error instead of eating the machine.
	visits int
}

// maxVisits bounds the nodes one document may expand to.
const maxVisits = 100_000

func newStrictDecoder(tag string, rep *reporter) *strictDecoder {
	return &strictDecoder{tag: tag, rep: rep, nodes: map[any]*yaml.Node{}}
}

var (
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
)

// exhausted says whether decoding stopped at the expansion bound; the
// result is then incomplete and must not be used.
func (d *strictDecoder) exhausted() bool { return d.visits >= maxVisits }

// node returns the YAML node a decoded value came from, given its address.
func (d *strictDecoder) node(addr any) *yaml.Node {
	return d.nodes[addr]
}

// decode fills v from n; problems go to the reporter and leave v as it was.
func (d *strictDecoder) decode(n *yaml.Node, v reflect.Value) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	d.visits++
	if d.visits == maxVisits {
		d.rep.at(n, "document expands to more than %d values (aliases?); giving up", maxVisits)
	}
	if d.visits >= maxVisits {
		return
	}
	if v.CanAddr() {
		d.nodes[v.Addr().Interface()] = n
	}
	if v.Kind() == reflect.Pointer {
		if isNull(n) {
			return
		}
		fresh := reflect.New(v.Type().Elem())
		before := len(d.rep.diags)
		d.decode(n, fresh.Elem())
		if len(d.rep.diags) == before {
			v.Set(fresh)
			d.nodes[fresh.Interface()] = n
		}
		return
	}
	if v.Type() == rawMessageType {
		d.decodeRaw(n, v)
		return
	}
	if v.Kind() != reflect.String && v.CanAddr() && v.Addr().Type().Implements(textUnmarshalerType) {
		d.decodeText(n, v)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v)
	case reflect.Map:
		d.decodeMap(n, v)
	case reflect.Slice:
		d.decodeSlice(n, v)
	case reflect.String:
		if n.Kind != yaml.ScalarNode || isNull(n) {
			d.rep.at(n, "want a string, got %s", describe(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64, reflect.Interface:
		d.decodeScalar(n, v)
	default:
		d.rep.at(n, "cannot decode into %s", v.Type())
	}
}

func (d *strictDecoder) decodeStruct(n *yaml.Node, v reflect.Value) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.rep.at(n, "want a mapping, got %s", describe(n))
		return
	}
	fields := d.fields(v)
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		if seen[key.Value] {
			d.rep.at(key, "field %q is set twice", key.Value)
			continue
		}
		seen[key.Value] = true
		f, ok := fields[key.Value]
		if !ok {
			d.rep.at(key, "unknown field %q (known: %s)", key.Value, knownList(fields))
			continue
		}
		d.decode(val, f)
	}
}

// fields maps the tag names of v's fields, inlined structs included, to the
// fields themselves.
func (d *strictDecoder) fields(v reflect.Value) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get(d.tag), ",")
		if name == "-" {
			continue
		}
		inline := strings.Contains(opts, "inline") || (sf.Anonymous && name == "")
		if inline && sf.Type.Kind() == reflect.Struct {
			for k, f := range d.fields(v.Field(i)) {
				out[k] = f
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		out[name] = v.Field(i)
	}
	return out
}

func (d *strictDecoder) decodeMap(n *yaml.Node, v reflect.Value) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.rep.at(n, "want a mapping, got %s", describe(n))
		return
	}
	if v.Type().Key().Kind() != reflect.String {
		d.rep.at(n, "cannot decode into %s", v.Type())
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		if seen[key.Value] {
			d.rep.at(key, "key %q is set twice", key.Value)
			continue
		}
		seen[key.Value] = true
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, elem)
		v.SetMapIndex(reflect.ValueOf(key.Value).Convert(v.Type().Key()), elem)
	}
}

func (d *strictDecoder) decodeSlice(n *yaml.Node, v reflect.Value) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.rep.at(n, "want a list, got %s", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	v.Set(s)
	for i, item := range n.Content {
		d.decode(item, v.Index(i))
	}
}

func (d *strictDecoder) decodeScalar(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.ScalarNode && v.Kind() != reflect.Interface {
		d.rep.at(n, "want %s, got %s", kindName(v.Kind()), describe(n))
		return
	}
	ptr := reflect.New(v.Type())
	if err := n.Decode(ptr.Interface()); err != nil {
		d.rep.at(n, "want %s, got %q", kindName(v.Kind()), n.Value)
		return
	}
	v.Set(ptr.Elem())
}

func (d *strictDecoder) decodeText(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.rep.at(n, "want a scalar, got %s", describe(n))
		return
	}
	if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
		d.rep.at(n, "invalid value %q: %v", n.Value, err)
	}
}

// decodeRaw keeps a subtree as JSON, for fields whose meaning belongs to
// someone else (Sloth plugin configuration).
func (d *strictDecoder) decodeRaw(n *yaml.Node, v reflect.Value) {
	var generic any
	if err := n.Decode(&generic); err != nil {
		d.rep.at(n, "invalid value: %v", err)
		return
	}
	raw, err := json.Marshal(generic)
	if err != nil {
		d.rep.at(n, "value cannot be represented as JSON: %v", err)
		return
	}
	v.SetBytes(raw)
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	if isNull(n) {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	}
	return "a value"
}

func knownList(fields map[string]reflect.Value) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// reflectValue returns the settable value behind a pointer.
func reflectValue(ptr any) reflect.Value { return reflect.ValueOf(ptr).Elem() }
