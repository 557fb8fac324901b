package scale_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/internal/promtest"
)

// reloadTrigger is a series backfilled with promtool only so that deleting
// it makes Prometheus rewrite a block: Prometheus 2.42 loads the blocks in
// its data directory when it starts and at each block reload, which
// happens every minute, or after clean_tombstones rewrote a block. The
// suite writes its blocks after Prometheus started (promtest owns the
// start), so it forces a reload that way.
const reloadTrigger = "bench_block_reload_trigger"

// startWithBlocks starts Prometheus, hard-links the blocks of stage into
// its data directory, makes it load them, and waits until want series of
// the calls counter are visible at end.
func startWithBlocks(t *testing.T, stage string, end time.Time, opts promtest.Options) *promtest.Server {
	t.Helper()
	var w promtest.OpenMetricsWriter
	w.WriteGauge(reloadTrigger, nil, []promtest.Point{{T: end.Add(-period - time.Hour), V: 1}})
	text, err := w.Text()
	if err != nil {
		t.Fatal(err)
	}
	opts.Backfill = text
	opts.ExtraFlags = append(opts.ExtraFlags, "--web.enable-admin-api")
	srv := promtest.Start(t, opts)
	if err := linkTree(stage, srv.DataDir); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/admin/tsdb/delete_series?match[]=" + reloadTrigger, "/api/v1/admin/tsdb/clean_tombstones"} {
		resp, err := http.Post(srv.URL+path, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("POST %s: %s", path, resp.Status)
		}
	}
	want := float64(2 * services * spanNames)
	deadline := time.Now().Add(90 * time.Second)
	for {
		vec := srv.Query(t, "count("+callsName+")", end)
		if len(vec) == 1 && float64(vec[0].Value) == want {
			return srv
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prometheus still does not see the %v calls series of the blocks: %v", want, vec)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// linkTree hard-links every block directory of src into dst.
func linkTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return os.Link(path, target)
	})
}

// metrics reads Prometheus' own metrics and returns the sum of each
// family's samples.
func metrics(t *testing.T, srv *promtest.Server) map[string]float64 {
	t.Helper()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		name := fields[0]
		if i := strings.IndexByte(name, '{'); i >= 0 {
			name = name[:i]
		}
		v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		if err != nil {
			continue
		}
		out[name] += v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// groupTimes is what /api/v1/rules says of the rule groups.
type groupTimes struct {
	groups, rules int
	// evaluated counts the groups evaluated since a time; total is the sum
	// of those evaluations' durations and longest the longest.
	evaluated       int
	total, longest  time.Duration
	unhealthyRules  int
	firstLastError  string
	evaluationSince time.Time
}

// ruleGroups reads /api/v1/rules and sums the evaluation time of every
// group whose last evaluation started after since.
func ruleGroups(t *testing.T, srv *promtest.Server, since time.Time) groupTimes {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/rules", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Data struct {
			Groups []struct {
				EvaluationTime float64   `json:"evaluationTime"`
				LastEvaluation time.Time `json:"lastEvaluation"`
				Rules          []struct {
					Health    string `json:"health"`
					LastError string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatalf("decode /api/v1/rules: %v", err)
	}
	g := groupTimes{evaluationSince: since}
	for _, grp := range body.Data.Groups {
		g.groups++
		g.rules += len(grp.Rules)
		for _, r := range grp.Rules {
			if r.Health == "err" {
				g.unhealthyRules++
				if g.firstLastError == "" {
					g.firstLastError = r.LastError
				}
			}
		}
		if grp.LastEvaluation.After(since) {
			g.evaluated++
			d := time.Duration(grp.EvaluationTime * float64(time.Second))
			g.total += d
			g.longest = max(g.longest, d)
		}
	}
	return g
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }

func (g groupTimes) String() string {
	return fmt.Sprintf("%d of %d groups evaluated since %s, %s in all", g.evaluated, g.groups, g.evaluationSince.Format(time.TimeOnly), g.total)
}
