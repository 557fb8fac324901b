package slo_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/burnwatch/burnwatch/slo"
)

// FuzzLoad feeds arbitrary bytes to the loader: it must never panic, and a
// file it accepts must yield SLOs whose queries expand.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"testdata/invalid/*.yaml", "testdata/valid/*.yml", "../specs/*.y*ml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set, diags := slo.LoadBytes("fuzz.yaml", data)
		if len(diags) > 0 {
			return
		}
		for _, s := range set.SLOs {
			if _, err := s.SLI.ErrorRatioQueryFor("5m"); err != nil {
				t.Errorf("accepted SLO %s has a query that does not expand: %v", s.ID, err)
			}
			if s.Objective <= 0 || s.Objective >= 1 {
				t.Errorf("accepted SLO %s has objective %v", s.ID, s.Objective)
			}
		}
	})
}
