// Package report writes the benchmark suites' results as Markdown, into the
// directory that `make bench` assembles the report from.
package report

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// DirEnv names the directory the suites write their sections into. The
// heavy suites run only when it is set, as `make bench` does.
const DirEnv = "BURNWATCH_BENCH_OUT"

// Dir returns the report directory, or skips t when DirEnv is not set.
func Dir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(DirEnv)
	if dir == "" {
		t.Skipf("a benchmark suite: run it with make bench (or set %s to a directory)", DirEnv)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// SlothRulesEnv names the slothrules binary (bench/slothrules, a module of
// its own), which `make bench` builds.
const SlothRulesEnv = "BURNWATCH_SLOTHRULES"

// SlothRules returns the slothrules binary, or fails t when SlothRulesEnv
// is not set.
func SlothRules(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(SlothRulesEnv)
	if bin == "" {
		t.Fatalf("%s must name the slothrules binary: go -C bench/slothrules build -o /tmp/slothrules . (make bench does)", SlothRulesEnv)
	}
	return bin
}

// Write writes a section of the report, dir/name.md.
func Write(t testing.TB, dir, name, markdown string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name+".md"), []byte(markdown), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Table is a Markdown table.
type Table struct {
	Header []string
	rows   [][]string
}

// Row adds a row.
func (t *Table) Row(cells ...string) { t.rows = append(t.rows, cells) }

// String renders the table.
func (t *Table) String() string {
	var b strings.Builder
	line := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + strings.ReplaceAll(c, "|", `\|`) + " |")
		}
		b.WriteString("\n")
	}
	line(t.Header)
	sep := make([]string, len(t.Header))
	for i := range sep {
		sep[i] = "---"
	}
	line(sep)
	for _, r := range t.rows {
		line(r)
	}
	return b.String()
}

// Duration renders a duration for a table: "—" for a negative one (not
// measured), else rounded to what matters at its size.
func Duration(d time.Duration) string {
	switch {
	case d < 0:
		return "—"
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(100 * time.Microsecond).String()
	case d < time.Minute:
		return d.Round(10 * time.Millisecond).String()
	case d < time.Hour:
		return trimZeros(d.Round(time.Second).String())
	}
	return trimZeros(d.Round(time.Minute).String())
}

// trimZeros drops zero minutes and seconds: 6h0m0s → 6h, 5h59m0s → 5h59m.
func trimZeros(s string) string {
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Signed renders a duration that may be negative, with its sign.
func Signed(d time.Duration) string {
	if d < 0 {
		return "−" + Duration(-d)
	}
	return "+" + Duration(d)
}

// Count renders a whole number with thousands separators.
func Count(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + Count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Ratio renders a ratio as "12.3×".
func Ratio(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	if x >= 100 {
		return fmt.Sprintf("%.0f×", x)
	}
	return fmt.Sprintf("%.2g×", x)
}

// MiB renders bytes in MiB.
func MiB(bytes int64) string { return fmt.Sprintf("%.0f MiB", float64(bytes)/(1<<20)) }

// Percentile returns the p-th percentile (0 < p ≤ 100) of ds, by the
// nearest-rank method; 0 for none.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[max(rank, 1)-1]
}
