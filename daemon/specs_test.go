package daemon

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestAReloadNeverDropsSLOsOnBadInput changes the spec files between two
// reloads and checks which SLOs are evaluated after the second, and how the
// reload is reported.
func TestAReloadNeverDropsSLOsOnBadInput(t *testing.T) {
	spec := func(name, objective string) string {
		return strings.Replace(fmt.Sprintf(settingsSpec, name), "objective: 99.9", "objective: "+objective, 1)
	}
	cases := []struct {
		name string
		// change edits the files of specs/, which start as a.yaml (SLO
		// a) and b.yaml (SLO b), both at 99.9.
		change  func(h *reloadHarness)
		want    []string // SLO id=objective evaluated after the reload
		failed  bool
		message string
	}{
		{
			name: "a truncated file keeps its SLOs while another file updates",
			change: func(h *reloadHarness) {
				h.writeFile("specs/a.yaml", "version: burnwatch/v1\nteam: checkout\nslos:\n  - name: [a\n")
				h.writeFile("specs/b.yaml", spec("b", "99.5"))
			},
			want: []string{"checkout/a=0.999", "checkout/b=0.995"}, failed: true,
			message: "a.yaml:3:1: invalid YAML",
		},
		{
			name: "an SLO made invalid keeps its file's last good SLOs",
			change: func(h *reloadHarness) {
				h.writeFile("specs/a.yaml", spec("a", "199"))
				h.writeFile("specs/b.yaml", spec("b", "99.5"))
			},
			want: []string{"checkout/a=0.999", "checkout/b=0.995"}, failed: true,
			message: "objective 199 is not in (0, 100)",
		},
		{
			name: "every file gone keeps the whole set",
			change: func(h *reloadHarness) {
				h.remove("specs/a.yaml")
				h.remove("specs/b.yaml")
			},
			want: []string{"checkout/a=0.999", "checkout/b=0.999"}, failed: true,
			message: "no spec files",
		},
		{
			name:   "an SLO removed from valid specs is removed",
			change: func(h *reloadHarness) { h.remove("specs/b.yaml") },
			want:   []string{"checkout/a=0.999"},
		},
		{
			name:   "a file added while another is broken is loaded",
			change: func(h *reloadHarness) { h.writeFile("specs/a.yaml", ":"); h.writeFile("specs/c.yaml", spec("c", "99")) },
			want:   []string{"checkout/a=0.999", "checkout/b=0.999", "checkout/c=0.990"}, failed: true,
			message: "a.yaml",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newReloadHarness(t)
			h.remove("specs/checkout.yaml")
			h.writeFile("specs/a.yaml", spec("a", "99.9"))
			h.writeFile("specs/b.yaml", spec("b", "99.9"))
			h.start()
			c.change(h)
			err := h.d.Reload()
			if (err != nil) != c.failed || err != nil && !strings.Contains(err.Error(), c.message) {
				t.Errorf("reload error %v, want failed=%v saying %q", err, c.failed, c.message)
			}
			reported := !strings.Contains(h.metrics(), "burnwatch_config_last_reload_successful 1")
			if reported != c.failed {
				t.Errorf("reload reported failed=%v, want %v", reported, c.failed)
			}
			var got []string
			for _, st := range h.d.Evaluate(context.Background(), time.Now()).Statuses {
				got = append(got, fmt.Sprintf("%s=%.3f", st.SLO.ID, st.SLO.Objective))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("evaluated %v, want %v", got, c.want)
			}
		})
	}
}

func (h *reloadHarness) remove(name string) {
	h.t.Helper()
	if err := os.Remove(filepath.Join(h.dir, name)); err != nil {
		h.t.Fatal(err)
	}
}
