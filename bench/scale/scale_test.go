package scale_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/burnwatch/burnwatch/bench/internal/report"
	"github.com/burnwatch/burnwatch/bench/internal/slotheval"
	"github.com/burnwatch/burnwatch/bench/internal/statsquery"
	"github.com/burnwatch/burnwatch/internal/promtest"
)

// sizes are the numbers of SLOs measured, smallest first.
var sizes = []int{100, 1000, 10000}

// Steady cycles per size through the statistics querier, then through
// prom.NewHTTP. An hour of steady cycles meets every event of the tiles:
// twelve new fine tiles, the tails of the long windows entering new fine
// tiles (read six at a time) and new coarse tiles, so that their mean is
// what a cycle costs over time.
const (
	steadyCycles = 120
	checkCycles  = 3
)

// measured are SLOs whose every Sloth rule is run with stats=all: the
// first 100 of the fleet (ten pairs in svc-00) and, to check that every
// pair costs the same, the ten of the last pair (svc-49/op-19).
func measured() (first, last []fleetSLO) {
	for i := range 100 {
		first = append(first, sloAt(i))
	}
	for i := 9990; i < 10000; i++ {
		last = append(last, sloAt(i))
	}
	return first, last
}

// size is what one size measured.
type size struct {
	n       int
	bw      cyclesResult
	sloth   slothCost
	live    liveCost
	ruleGen time.Duration
}

func TestScale(t *testing.T) {
	dir := report.Dir(t)
	slothrules := report.SlothRules(t)
	work := t.TempDir()
	end := time.Now().Truncate(time.Minute).Add(-time.Minute)
	at := end.Add(-time.Duration(steadyCycles+checkCycles+2) * ruleInterval)

	// Sloth's rules are generated while the blocks are written.
	results := make([]*size, len(sizes))
	specs := map[int][2]string{}
	for i, n := range sizes {
		results[i] = &size{n: n}
		native, _, slothFiles := writeSpecs(t, filepath.Join(work, fmt.Sprint(n)), n)
		rules := filepath.Join(work, fmt.Sprint(n), "rules")
		if err := os.MkdirAll(rules, 0o755); err != nil {
			t.Fatal(err)
		}
		specs[n] = [2]string{native, rules}
		results[i].ruleGen = -1
		go func() {
			began := time.Now()
			gen := exec.Command(slothrules, append([]string{"-out", rules}, slothFiles...)...)
			if out, err := gen.CombinedOutput(); err != nil {
				t.Errorf("%s: %v\n%s", gen, err, out)
			}
			genDone <- genResult{i, time.Since(began)}
		}()
	}
	began := time.Now()
	first, last := measured()
	stage := filepath.Join(work, "blocks")
	samples := writeBlocks(t, stage, end, append(append([]fleetSLO{}, first...), last...))
	writeTime := time.Since(began)
	for range sizes {
		g := <-genDone
		results[g.i].ruleGen = g.took
	}
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("wrote %s samples in %s", report.Count(samples), writeTime.Round(time.Second))

	cycles := filepath.Join(work, "cycles")
	build := exec.Command("go", "build", "-o", cycles, "./cycles")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", build, err, out)
	}

	var perRule perSLOCost
	t.Run("burnwatch cycles and Sloth's rules one by one", func(t *testing.T) {
		srv := startWithBlocks(t, stage, end, promtest.Options{})
		for _, r := range results {
			r.bw = runCycles(t, cycles, srv.URL, specs[r.n][0], at)
			t.Logf("%d SLOs: first cycle %s, steady p50 %s, %s samples, peak RSS %s", r.n, r.bw.First.Wall,
				report.Percentile(r.bw.walls(), 50), report.Count(r.bw.mean().Samples), report.MiB(r.bw.PeakRSS))
			for i, c := range r.bw.Steady {
				t.Logf("%d SLOs, steady cycle %d: %s, %d queries, %s samples, Prometheus CPU %s", r.n, i+1, c.Wall, c.Queries, report.Count(c.Samples), c.PromCPU)
			}
		}
		perRule = measureRules(t, srv, specs[sizes[len(sizes)-1]][1], first, last, end.Add(-10*time.Minute))
	})
	for _, r := range results {
		r.sloth = perRule.scaled(r.n)
	}
	for _, r := range results {
		t.Run(fmt.Sprintf("Sloth's rules for %d SLOs evaluated live", r.n), func(t *testing.T) {
			r.live = measureLive(t, stage, end, specs[r.n][1])
			t.Logf("%d SLOs: %+v", r.n, r.live)
		})
	}
	report.Write(t, dir, "scale", render(results, perRule, samples, writeTime))
}

// genDone reports the end of a size's rule generation.
var genDone = make(chan genResult, 8)

type genResult struct {
	i    int
	took time.Duration
}

// cyclesResult is ./cycles' output.
type cyclesResult struct {
	SLOs       int           `json:"slos"`
	Load       time.Duration `json:"load_ns"`
	First      cycleJSON     `json:"first"`
	Build      cycleJSON     `json:"build"`
	Second     cycleJSON     `json:"second"`
	Steady     []cycleJSON   `json:"steady"`
	Check      []cycleJSON   `json:"check"`
	PeakRSS    int64         `json:"peak_rss_bytes"`
	RSS        int64         `json:"rss_bytes"`
	HeapInuse  int64         `json:"heap_inuse_bytes"`
	Restart    cycleJSON     `json:"restart"`
	StateBytes int64         `json:"state_bytes"`
}

type cycleJSON struct {
	Wall    time.Duration `json:"wall_ns"`
	Queries int           `json:"queries"`
	Samples int64         `json:"samples"`
	Exec    time.Duration `json:"exec_ns"`
	PromCPU time.Duration `json:"prom_cpu_ns"`
	NotOK   int           `json:"not_ok"`
}

func (c cyclesResult) walls() []time.Duration { return walls(c.Steady) }

func walls(cs []cycleJSON) []time.Duration {
	var out []time.Duration
	for _, c := range cs {
		out = append(out, c.Wall)
	}
	return out
}

// mean is the mean steady cycle.
func (c cyclesResult) mean() cycleJSON {
	var m cycleJSON
	for _, s := range c.Steady {
		m.Samples += s.Samples
		m.Exec += s.Exec
		m.PromCPU += s.PromCPU
	}
	n := len(c.Steady)
	return cycleJSON{Samples: m.Samples / int64(n), Exec: m.Exec / time.Duration(n), PromCPU: m.PromCPU / time.Duration(n)}
}

// meanQueries is the mean number of queries of a steady cycle.
func (c cyclesResult) meanQueries() float64 {
	q := 0
	for _, s := range c.Steady {
		q += s.Queries
	}
	return float64(q) / float64(len(c.Steady))
}

// runCycles runs ./cycles on one SLO set.
func runCycles(t *testing.T, bin, url, specs string, at time.Time) cyclesResult {
	t.Helper()
	cmd := exec.Command(bin, "-prometheus", url, "-specs", specs, "-at", strconv.FormatInt(at.Unix(), 10),
		"-cycles", fmt.Sprint(steadyCycles), "-check", fmt.Sprint(checkCycles), "-step", ruleInterval.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, stderr.String())
	}
	var res cyclesResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	for _, c := range append(append([]cycleJSON{res.First, res.Build, res.Second, res.Restart}, res.Steady...), res.Check...) {
		if c.NotOK > 0 {
			t.Errorf("%d SLOs: %d not evaluated (error or no data) in a cycle", res.SLOs, c.NotOK)
			break
		}
	}
	return res
}

// perSLOCost is what every Sloth rule of one SLO costs Prometheus per
// evaluation, by variant.
type perSLOCost struct {
	rules   [perPair]int
	samples [perPair]int64
	// samples30d is the part of samples that Sloth's 30-day SLI reads.
	samples30d [perPair]int64
	exec       [perPair]time.Duration
	// lastSamples is the same for the last pair, which must match.
	lastSamples [perPair]int64
}

// scaled is the cost of the first n SLOs: n/10 pairs.
func (p perSLOCost) scaled(n int) slothCost {
	var c slothCost
	for v := range perPair {
		count := int64(n / perPair)
		c.rules += int64(p.rules[v]) * count
		c.samples += p.samples[v] * count
		c.samples30d += p.samples30d[v] * count
		c.exec += time.Duration(int64(p.exec[v]) * count)
	}
	return c
}

// slothCost is what evaluating every rule of a set of SLOs once costs.
type slothCost struct {
	rules, samples, samples30d int64
	exec                       time.Duration
}

// measureRules runs every rule Sloth generated for the measured SLOs as an
// instant query at `at` with stats=all.
func measureRules(t *testing.T, srv *promtest.Server, rulesDir string, first, last []fleetSLO, at time.Time) perSLOCost {
	t.Helper()
	q := statsquery.New(srv.URL)
	var out perSLOCost
	// cost runs an SLO's rules and returns how many, their cost, and the
	// samples of its 30-day SLI.
	cost := func(f fleetSLO) (int, statsquery.Cost, int64) {
		rules := sloRules(t, rulesDir, f)
		var s30d int64
		for _, r := range rules.Dependent {
			if r.Record == "slo:sli_error:ratio_rate30d" {
				if _, err := q.Query(context.Background(), r.Expr, at); err != nil {
					t.Fatal(err)
				}
				s30d = q.Take().Samples
			}
		}
		for _, expr := range rules.Exprs() {
			if _, err := q.Query(context.Background(), expr, at); err != nil {
				t.Fatal(err)
			}
		}
		return len(rules.Exprs()), q.Take(), s30d
	}
	for i, f := range first {
		n, c, s30d := cost(f)
		v := i % perPair
		out.rules[v] = n
		out.samples[v] += c.Samples
		out.samples30d[v] += s30d
		out.exec[v] += c.Exec
	}
	for v := range perPair {
		out.samples[v] /= int64(len(first) / perPair)
		out.samples30d[v] /= int64(len(first) / perPair)
		out.exec[v] /= time.Duration(len(first) / perPair)
	}
	for i, f := range last {
		_, c, _ := cost(f)
		out.lastSamples[i%perPair] = c.Samples
		if c.Samples != out.samples[i%perPair] {
			t.Errorf("%s reads %d samples per evaluation, the same variant of the first pair %d: pairs should cost the same", f.slothID(), c.Samples, out.samples[i%perPair])
		}
	}
	return out
}

// sloRules returns the rules Sloth generated for one SLO: its groups in its
// service's rule file.
func sloRules(t *testing.T, rulesDir string, f fleetSLO) *slotheval.Rules {
	t.Helper()
	groups, ok := ruleCache[f.service]
	if !ok {
		data, err := os.ReadFile(filepath.Join(rulesDir, f.service+".rules.yml"))
		if err != nil {
			t.Fatal(err)
		}
		var file struct {
			Groups []yaml.Node `yaml:"groups"`
		}
		if err := yaml.Unmarshal(data, &file); err != nil {
			t.Fatal(err)
		}
		groups = file.Groups
		ruleCache[f.service] = groups
	}
	var mine []*yaml.Node
	for i := range groups {
		var g struct {
			Name string `yaml:"name"`
		}
		if err := groups[i].Decode(&g); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(g.Name, "-"+f.slothID()) {
			mine = append(mine, &groups[i])
		}
	}
	if len(mine) == 0 {
		t.Fatalf("no rule groups for %s", f.slothID())
	}
	out, err := yaml.Marshal(map[string][]*yaml.Node{"groups": mine})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := slotheval.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

// ruleCache holds the parsed rule groups of each service's rule file.
var ruleCache = map[string][]yaml.Node{}
