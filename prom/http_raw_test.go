package prom_test

import (
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
)

func TestRangeRulesOfABuild(t *testing.T) {
	prometheus := func(version string) prom.BuildInfo {
		return prom.BuildInfo{Version: version, Revision: "d7b4d2b", GoVersion: "go1.24.1"}
	}
	tests := []struct {
		name    string
		build   prom.BuildInfo
		want    burnrate.RangeRules
		wantErr string
	}{
		{"Prometheus 2.42 includes a range's start and limits at the zero point first.", prometheus("2.42.0"), burnrate.RangeRules{IncludesStart: true, ZeroFirst: true}, ""},
		{"Prometheus 2.53 includes a range's start and applies the threshold first.", prometheus("2.53.1"), burnrate.RangeRules{IncludesStart: true}, ""},
		{"Prometheus 3 leaves a range's start out.", prometheus("3.3.0"), burnrate.RangeRules{}, ""},
		{"A leading v is read.", prometheus("v3.0.0-rc.1"), burnrate.RangeRules{}, ""},
		{"Prometheus 2.51 has no known rules.", prometheus("2.51.2"), burnrate.RangeRules{}, "no known range rules"},
		{"Thanos's own version is not Prometheus'.", prometheus("0.34.0"), burnrate.RangeRules{}, "no known range rules"},
		{"Mimir names its application.", prom.BuildInfo{Version: "2.12.0", Revision: "abc", GoVersion: "go1.22", Application: "Grafana Mimir"}, burnrate.RangeRules{}, "is not Prometheus itself"},
		{"A version alone, as VictoriaMetrics answers, is not trusted.", prom.BuildInfo{Version: "2.24.0"}, burnrate.RangeRules{}, "is not Prometheus itself"},
		{"A version that is not a number is an error.", prometheus("main"), burnrate.RangeRules{}, "is not major.minor.patch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := prom.RangeRulesOf(tt.build)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %+v, %v; want an error saying %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
