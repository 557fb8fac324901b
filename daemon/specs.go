package daemon

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/burnwatch/burnwatch/internal/osfs"
	"github.com/burnwatch/burnwatch/slo"
)

// The spec set follows one rule: a moment of bad input never drops SLOs.
// At start every problem is an error. On reload a spec file that fails to
// load (a ConfigMap being rewritten, a truncated file) keeps its last good
// SLOs while the other files update, and a reload that would leave no SLO
// where there were some keeps the whole last good set. Only an SLO that is
// really gone from valid specs is removed, and the alert manager, which no
// longer sees it, ends its incidents.

// loadSpecs loads the specs of a config for a daemon that starts: any
// problem is an error.
func loadSpecs(cfg *Config, links *slo.LinkTemplate) ([]*slo.SLO, error) {
	set, diags := slo.Load(osfs.FS{}, cfg.Specs...)
	if len(diags) > 0 {
		return nil, fmt.Errorf("specs: %d problems:\n%w", len(diags), diags)
	}
	withLinks(set.SLOs, links)
	return set.SLOs, nil
}

func withLinks(slos []*slo.SLO, links *slo.LinkTemplate) {
	if links == nil {
		return
	}
	for _, s := range slos {
		s.Traces.Link = links
	}
}

// errSpecsKept says that a reload applied, except for the spec files with
// problems, which kept their last good SLOs.
var errSpecsKept = errors.New("spec files with problems keep their last good SLOs")

// reloadSpecs loads the specs of a config over the last good set. It
// returns the new set and, when some files had problems, an error wrapping
// errSpecsKept with every problem; or, with ok false, the error that keeps
// the whole last good set.
func reloadSpecs(cfg *Config, links *slo.LinkTemplate, last []*slo.SLO) (slos []*slo.SLO, problems error, ok bool) {
	set, diags := slo.Load(osfs.FS{}, cfg.Specs...)
	withLinks(set.SLOs, links)
	slos = set.SLOs
	if len(diags) > 0 {
		slos = keepLastGood(set.SLOs, last, diags)
		problems = fmt.Errorf("specs: %d problems; %w:\n%w", len(diags), errSpecsKept, diags)
	}
	if len(slos) == 0 && len(last) > 0 {
		err := fmt.Errorf("specs: no SLO is left of the %d loaded; keeping them", len(last))
		if len(diags) > 0 {
			err = fmt.Errorf("%w; %d problems:\n%w", err, len(diags), diags)
		}
		return nil, err, false
	}
	return slos, problems, true
}

// keepLastGood replaces the SLOs of every place with a problem (a file, or
// a spec path that could not be read) by the last good SLOs from there.
func keepLastGood(loaded, last []*slo.SLO, diags slo.Diagnostics) []*slo.SLO {
	var bad []string
	for _, d := range diags {
		if !slices.Contains(bad, d.Path) {
			bad = append(bad, d.Path)
		}
	}
	from := func(s *slo.SLO) bool {
		return slices.ContainsFunc(bad, func(p string) bool { return within(s.Source.Path, p) })
	}
	var out []*slo.SLO
	seen := map[string]bool{}
	add := func(s *slo.SLO) {
		if !seen[s.ID] {
			seen[s.ID] = true
			out = append(out, s)
		}
	}
	for _, s := range last {
		if from(s) {
			add(s)
		}
	}
	for _, s := range loaded {
		if !from(s) {
			add(s)
		}
	}
	slices.SortFunc(out, func(a, b *slo.SLO) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// within reports whether path is place or below it.
func within(path, place string) bool {
	rel, err := filepath.Rel(place, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
