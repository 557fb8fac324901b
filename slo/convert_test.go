package slo_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/slo"
)

// TestNativeSpecLoadsBackToTheSameSLOs converts every spec of every format
// to burnwatch/v1 and loads the result: the SLOs must be the same.
func TestNativeSpecLoadsBackToTheSameSLOs(t *testing.T) {
	var files []string
	for _, pattern := range []string{"testdata/interop/*/*.y*ml", "testdata/valid/*.y*ml", "../specs/*.yaml"} {
		found, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, found...)
	}
	if len(files) < 20 {
		t.Fatalf("found only %d spec files", len(files))
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			set, diags := slo.Load(os.DirFS(filepath.Dir(f)), filepath.Base(f))
			if len(diags) > 0 || len(set.SLOs) == 0 {
				t.Skipf("not a loadable spec on its own: %v", diags)
			}
			out, err := slo.NativeSpec(set.SLOs)
			if err != nil {
				t.Fatal(err)
			}
			back, diags := slo.LoadBytes("converted.yaml", out)
			if len(diags) > 0 {
				t.Fatalf("converted spec does not load:\n%v\n%s", diags, out)
			}
			if len(back.SLOs) != len(set.SLOs) {
				t.Fatalf("%d SLOs came back of %d", len(back.SLOs), len(set.SLOs))
			}
			for i, want := range set.SLOs {
				if got, w := meaning(back.SLOs[i]), meaning(want); got != w {
					t.Errorf("SLO %s changed:\n got %s\nwant %s\nspec:\n%s", want.ID, got, w, out)
				}
			}
		})
	}
}

// meaning renders what an SLO means, leaving out where it was written.
func meaning(s *slo.SLO) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s team=%s obj=%v period=%s labels=%v group=%v/%d\n", s.ID, s.Team, s.Objective, s.Period, s.Labels, s.GroupBy, s.MaxGroups)
	sli := s.SLI
	fmt.Fprintf(&b, "sli %s %s %s %v %v %v %v err=%s q=%q/%q/%q/%q\n", sli.Kind, sli.Dialect, slo.Selector(sli.Metric, sli.Matchers),
		sli.Threshold, sli.Bucket, sli.Native, sli.Dialect, sli.ErrorMatcher, sli.GoodQuery, sli.ErrorQuery, sli.TotalQuery, sli.ErrorRatioQuery)
	a := s.Alerting
	fmt.Fprintf(&b, "alert %s page=%+v ticket=%+v labels=%v ann=%v runbook=%s min=%v\n", a.Name, a.Page, a.Ticket, a.Labels, a.Annotations, a.RunbookURL, a.MinValidEvents)
	for _, w := range a.Windows {
		fmt.Fprintf(&b, "window %s %s %s %.9g %.9g\n", w.Severity, w.Long, w.Short, w.Factor, math.Round(w.BudgetShare*1e9)/1e9)
	}
	fmt.Fprintf(&b, "traces %v %v", s.Traces.TraceIDLabels, s.Traces.Link)
	return b.String()
}

// FuzzConvert feeds arbitrary bytes, seeded with the specs of every format,
// to the loader and converts what it accepts: nothing may panic, and the
// converted spec must load back to the same SLOs.
func FuzzConvert(f *testing.F) {
	for _, pattern := range []string{"testdata/interop/*/*.y*ml", "testdata/invalid/openslo-*.yaml", "testdata/invalid/pyrra-*.yaml", "testdata/invalid/sloth-k8s-*.yaml", "testdata/valid/*.yml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set, diags := slo.LoadBytes("fuzz.yaml", data)
		if len(diags) > 0 || len(set.SLOs) == 0 {
			return
		}
		out, err := slo.NativeSpec(set.SLOs)
		if err != nil {
			return // an SLO the native format cannot write is reported, not lost
		}
		back, diags := slo.LoadBytes("converted.yaml", out)
		if len(diags) > 0 {
			t.Fatalf("converted spec does not load:\n%v\n%s", diags, out)
		}
		for i, want := range set.SLOs {
			if got, w := meaning(back.SLOs[i]), meaning(want); got != w {
				t.Errorf("SLO %s changed:\n got %s\nwant %s", want.ID, got, w)
			}
		}
	})
}
