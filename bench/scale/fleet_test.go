package scale_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fleet: every (service, span name) pair carries ten SLOs, five on
// errors and five on latency, so that N SLOs cover N/10 pairs.
const (
	services  = 50
	spanNames = 20
	perPair   = 10
)

// variant is one of a pair's ten SLOs.
type variant struct {
	latency     bool
	objective   float64 // percent
	thresholdMS int
}

var variants = [perPair]variant{
	{objective: 99.9}, {objective: 99.5}, {objective: 99}, {objective: 99.95}, {objective: 99.99},
	{latency: true, objective: 99, thresholdMS: 100},
	{latency: true, objective: 99.5, thresholdMS: 200},
	{latency: true, objective: 99.9, thresholdMS: 400},
	{latency: true, objective: 99.9, thresholdMS: 1000},
	{latency: true, objective: 99.95, thresholdMS: 2000},
}

// fleetSLO is the i-th SLO of the fleet.
type fleetSLO struct {
	service, span string
	v             variant
}

func sloAt(i int) fleetSLO {
	pair := i / perPair
	return fleetSLO{service: serviceName(pair / spanNames), span: spanName(pair % spanNames), v: variants[i%perPair]}
}

func serviceName(s int) string { return fmt.Sprintf("svc-%02d", s) }
func spanName(o int) string    { return fmt.Sprintf("op-%02d", o) }

// name is the SLO's name within its service.
func (f fleetSLO) name() string {
	obj := strings.ReplaceAll(fmt.Sprint(f.v.objective), ".", "")
	if f.v.latency {
		return fmt.Sprintf("%s-latency-%dms-%s", f.span, f.v.thresholdMS, obj)
	}
	return fmt.Sprintf("%s-errors-%s", f.span, obj)
}

// slothID is the sloth_id label Sloth gives the SLO's series.
func (f fleetSLO) slothID() string { return f.service + "-" + f.name() }

func (f fleetSLO) selector() string {
	return fmt.Sprintf(`service_name=%q,span_name=%q`, f.service, f.span)
}

// native is the SLO as burnwatch/v1 YAML, under `slos:`.
func (f fleetSLO) native() string {
	sli := fmt.Sprintf("errors:\n        metric: %s{%s}", callsName, f.selector())
	if f.v.latency {
		sli = fmt.Sprintf("latency:\n        metric: %s_bucket{%s}\n        threshold: %dms", durationName, f.selector(), f.v.thresholdMS)
	}
	return fmt.Sprintf("  - name: %s\n    service: %s\n    objective: %g\n    sli:\n      %s\n", f.name(), f.service, f.v.objective, sli)
}

// sloth is the SLO as a Sloth prometheus/v1 SLO with an events SLI, under
// `slos:`.
func (f fleetSLO) sloth() string {
	total := fmt.Sprintf("sum(rate(%s{%s}[{{.window}}]))", callsName, f.selector())
	bad := fmt.Sprintf("sum(rate(%s{%s,status_code=%q}[{{.window}}]))", callsName, f.selector(), statusErr)
	if f.v.latency {
		total = fmt.Sprintf("sum(rate(%s_count{%s}[{{.window}}]))", durationName, f.selector())
		bad = fmt.Sprintf("%s - sum(rate(%s_bucket{%s,le=\"%d\"}[{{.window}}]))", total, durationName, f.selector(), f.v.thresholdMS)
	}
	return fmt.Sprintf("  - name: %s\n    objective: %g\n    sli:\n      events:\n        error_query: %q\n        total_query: %q\n    alerting:\n      name: %s\n",
		f.name(), f.v.objective, bad, total, "FleetSLO")
}

// writeSpecs writes the first n SLOs of the fleet, one file per service,
// as burnwatch specs into native/ and Sloth specs into sloth/ under dir.
func writeSpecs(t *testing.T, dir string, n int) (native, sloth string, slothFiles []string) {
	t.Helper()
	native, sloth = filepath.Join(dir, "native"), filepath.Join(dir, "sloth")
	for _, d := range []string{native, sloth} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	byService := map[string][]fleetSLO{}
	var order []string
	for i := range n {
		f := sloAt(i)
		if _, ok := byService[f.service]; !ok {
			order = append(order, f.service)
		}
		byService[f.service] = append(byService[f.service], f)
	}
	for _, svc := range order {
		var nb, sb strings.Builder
		fmt.Fprintf(&nb, "version: burnwatch/v1\nteam: %s\nslos:\n", svc)
		fmt.Fprintf(&sb, "version: \"prometheus/v1\"\nservice: %q\nslos:\n", svc)
		for _, f := range byService[svc] {
			nb.WriteString(f.native())
			sb.WriteString(f.sloth())
		}
		if err := os.WriteFile(filepath.Join(native, svc+".yaml"), []byte(nb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(sloth, svc+".yml")
		if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		slothFiles = append(slothFiles, path)
	}
	return native, sloth, slothFiles
}
