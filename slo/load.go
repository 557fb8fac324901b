package slo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	alertwindowsv1 "github.com/slok/sloth/pkg/prometheus/alertwindows/v1"
	prometheusv1 "github.com/slok/sloth/pkg/prometheus/api/v1"
	"gopkg.in/yaml.v3"
)

// Set is every SLO loaded from a set of spec files.
type Set struct {
	// SLOs are the valid SLOs, sorted by ID.
	SLOs []*SLO
	// Files are the spec files read, in the order they were read.
	Files []string
}

// Get returns the SLO with the given id, or nil.
func (s *Set) Get(id string) *SLO {
	i, ok := slices.BinarySearchFunc(s.SLOs, id, func(o *SLO, id string) int { return strings.Compare(o.ID, id) })
	if !ok {
		return nil
	}
	return s.SLOs[i]
}

// Load reads spec files and directories (recursively, *.yaml and *.yml) from
// fsys. It returns the valid SLOs and every problem found, sorted by place: a
// bad file or SLO is reported and left out, never hiding the others. A caller
// that must not run on a partly valid set checks that the diagnostics are
// empty.
func Load(fsys fs.FS, paths ...string) (*Set, Diagnostics) {
	l := &loader{fsys: fsys, set: &Set{}}
	var files []string
	for _, p := range paths {
		found, err := specFiles(fsys, p)
		if err != nil {
			l.diags = append(l.diags, Diagnostic{Path: p, Message: err.Error()})
			continue
		}
		files = append(files, found...)
	}
	for _, f := range files {
		if slices.Contains(l.set.Files, f) {
			continue
		}
		l.set.Files = append(l.set.Files, f)
		for _, doc := range l.parseFile(f) {
			l.loadDocument(f, doc)
		}
	}
	l.set.SLOs = append(l.set.SLOs, l.openslo.resolve(&l.diags)...)
	l.checkDuplicates()
	slices.SortFunc(l.set.SLOs, func(a, b *SLO) int { return strings.Compare(a.ID, b.ID) })
	l.diags.Sort()
	return l.set, l.diags
}

// LoadBytes loads one spec file held in memory, named path in diagnostics.
func LoadBytes(path string, data []byte) (*Set, Diagnostics) {
	return Load(singleFile{name: path, data: data}, path)
}

type loader struct {
	fsys  fs.FS
	set   *Set
	diags Diagnostics
	// openslo gathers OpenSLO objects, which refer to each other across
	// files, until every file is read.
	openslo opensloSet
}

// specFiles lists the spec files at p: p itself, or the *.yaml and *.yml
// files below it.
func specFiles(fsys fs.FS, p string) ([]string, error) {
	info, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPathError(err))
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = fs.WalkDir(fsys, p, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && name != p && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		if ext := path.Ext(name); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			files = append(files, name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read directory: %w", unwrapPathError(err))
	}
	if len(files) == 0 {
		// A directory being rewritten (a ConfigMap) or the wrong path: never
		// "0 SLOs, all fine".
		return nil, errors.New("no spec files (*.yaml, *.yml) in this directory")
	}
	return files, nil
}

// parseFile splits a file into its YAML documents; a syntax error is
// reported and ends the file.
func (l *loader) parseFile(name string) []*yaml.Node {
	data, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		l.diags = append(l.diags, Diagnostic{Path: name, Message: fmt.Sprintf("cannot read: %v", unwrapPathError(err))})
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			l.diags = append(l.diags, syntaxDiagnostic(name, err))
			return docs
		}
		if len(doc.Content) > 0 && !isNull(doc.Content[0]) {
			docs = append(docs, doc.Content[0])
		}
	}
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func syntaxDiagnostic(name string, err error) Diagnostic {
	d := Diagnostic{Path: name, Message: "invalid YAML: " + err.Error()}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		d.Line, _ = strconv.Atoi(m[1])
		d.Column = 1
		d.Message = "invalid YAML: " + m[2]
	}
	return d
}

// docKind reads the version (or apiVersion and kind) that says what a
// document is.
func docKind(doc *yaml.Node) (version, apiVersion, kind string) {
	if doc.Kind != yaml.MappingNode {
		return "", "", ""
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		switch doc.Content[i].Value {
		case "version":
			version = doc.Content[i+1].Value
		case "apiVersion":
			apiVersion = doc.Content[i+1].Value
		case "kind":
			kind = doc.Content[i+1].Value
		}
	}
	return version, apiVersion, kind
}

func isAlertWindows(doc *yaml.Node) bool {
	_, apiVersion, kind := docKind(doc)
	return apiVersion == alertwindowsv1.APIVersion && kind == alertwindowsv1.Kind
}

func decodeAlertWindows(rep *reporter, doc *yaml.Node) (time.Duration, []Window) {
	dec := newStrictDecoder("yaml", rep)
	var aw alertwindowsv1.AlertWindows
	dec.decode(doc, reflectValue(&aw))
	return slothWindows(rep, dec, &aw)
}

// loadDocument converts one document of a spec file into SLOs.
func (l *loader) loadDocument(name string, doc *yaml.Node) {
	rep := &reporter{path: name}
	fc := fileContext{rep: rep, dec: newStrictDecoder("yaml", rep), loadWindows: l.windowsFileLoader(name)}
	version, apiVersion, kind := docKind(doc)
	var slos []*SLO
	switch {
	case doc.Kind != yaml.MappingNode:
		rep.at(doc, "a spec document must be a mapping, got %s", describe(doc))
	case isAlertWindows(doc):
		// A window set that SLOs name in windows_file; checked here too,
		// so that a broken one fails validation even while unused.
		decodeAlertWindows(rep, doc)
	case version == NativeVersion:
		slos = nativeSLOs(fc, doc)
	case version == prometheusv1.Version:
		fc.dec = newStrictDecoder("json", rep)
		fc.sloth = true
		slos = slothSLOs(fc, doc)
	case apiVersion == OpenSLOVersion:
		l.openslo.add(fc, doc, kind)
	case apiVersion == PyrraAPIVersion && kind == PyrraKind:
		fc.dec = newStrictDecoder("json", rep)
		slos = pyrraSLOs(fc, doc)
	case apiVersion == SlothK8sAPIVersion && kind == SlothK8sKind:
		fc.dec = newStrictDecoder("json", rep)
		fc.sloth = true
		slos = slothK8sSLOs(fc, doc)
	case strings.HasPrefix(apiVersion, "openslo/"):
		rep.at(keyNode(doc, "apiVersion"), "OpenSLO %s is not supported: burnwatch reads %s", apiVersion, OpenSLOVersion)
	case kind != "":
		rep.at(doc, "unsupported document kind %q (apiVersion %q): burnwatch reads burnwatch/v1, Sloth prometheus/v1 and %s %s, OpenSLO v1 and Pyrra %s %s specs, and Sloth AlertWindows", kind, apiVersion, SlothK8sAPIVersion, SlothK8sKind, PyrraAPIVersion, PyrraKind)
	case version == "" && keyNode(doc, "groups") != doc:
		rep.at(doc, "this is a Prometheus rule file, not an SLO spec: want version %s or %s", NativeVersion, prometheusv1.Version)
	case version == "":
		rep.at(doc, "missing version: want %s or %s", NativeVersion, prometheusv1.Version)
	default:
		rep.at(doc, "unknown spec version %q: want %s or %s", version, NativeVersion, prometheusv1.Version)
	}
	l.diags = append(l.diags, rep.diags...)
	l.set.SLOs = append(l.set.SLOs, slos...)
}

// windowsFileLoader reads a spec's windows_file, relative to the spec.
func (l *loader) windowsFileLoader(specPath string) func(string) (time.Duration, []Window, error) {
	return func(name string) (time.Duration, []Window, error) {
		p := path.Join(path.Dir(specPath), name)
		if _, err := fs.Stat(l.fsys, p); err != nil {
			return 0, nil, fmt.Errorf("cannot read %s: %w", p, unwrapPathError(err))
		}
		docs := l.parseFile(p)
		if len(docs) != 1 || !isAlertWindows(docs[0]) {
			return 0, nil, fmt.Errorf("%s does not hold exactly one Sloth AlertWindows document", p)
		}
		rep := &reporter{path: p}
		period, ws := decodeAlertWindows(rep, docs[0])
		if len(rep.diags) > 0 {
			l.diags = append(l.diags, rep.diags...)
			return 0, nil, fmt.Errorf("%s is invalid", p)
		}
		return period, ws, nil
	}
}

// checkDuplicates reports SLO ids declared twice, at the later place, and
// keeps the first.
func (l *loader) checkDuplicates() {
	seen := map[string]*SLO{}
	kept := l.set.SLOs[:0]
	for _, s := range l.set.SLOs {
		if first, ok := seen[s.ID]; ok {
			l.diags = append(l.diags, Diagnostic{
				Path: s.Source.Path, Line: s.Source.Line, Column: s.Source.Column,
				Message: fmt.Sprintf("duplicate SLO id %q, first declared at %s:%d:%d", s.ID, first.Source.Path, first.Source.Line, first.Source.Column),
			})
			continue
		}
		seen[s.ID] = s
		kept = append(kept, s)
	}
	l.set.SLOs = kept
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
