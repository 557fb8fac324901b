package slo_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/slo"
)

// TestOtherProjectsSpecsLoadUnchanged loads the example files of Sloth's
// Kubernetes resource and Pyrra unchanged, and OpenSLO v1 specs written
// after its README, and checks the SLOs each one yields.
func TestOtherProjectsSpecsLoadUnchanged(t *testing.T) {
	tests := []struct {
		name string
		dir  string
		want []string
	}{
		{"Sloth's Kubernetes examples", "testdata/interop/sloth-k8s", []string{
			"home-wifi/good-wifi-client-satisfaction", "home-wifi/risk-wifi-client-satisfaction",
			"myservice/requests-availability", "myservice2/requests-availability",
		}},
		{"Pyrra's examples", "testdata/interop/pyrra", []string{
			"default/caddy-response-latency", "default/prometheus-api-query", "default/prometheus-blackbox-probe-success",
			"monitoring/nginx-api-errors", "monitoring/nginx-api-latency", "monitoring/prometheus-operator-http",
			"monitoring/pyrra-connect-errors", "monitoring/pyrra-connect-latency", "monitoring/pyrra-filesystem-errors",
			"monitoring/pyrra-kubernetes-errors", "monitoring/thanos-query", "monitoring/thanos-store",
			"parca/parca-grpc-queryrange-errors",
		}},
		{"OpenSLO README-style specs", "testdata/interop/openslo", []string{
			"checkout/requests-availability", "search/index-freshness", "search/requests-internal-objective",
			"search/requests-sla", "search/search-p99",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each file on its own: Sloth's examples repeat one SLO.
			files, err := filepath.Glob(tt.dir + "/*.y*ml")
			if err != nil || len(files) == 0 {
				t.Fatalf("no files in %s: %v", tt.dir, err)
			}
			var ids []string
			for _, f := range files {
				set, diags := slo.Load(os.DirFS("."), f)
				if len(diags) > 0 {
					t.Errorf("diagnostics:\n%v", diags)
				}
				for _, s := range set.SLOs {
					ids = append(ids, s.ID)
				}
			}
			slices.Sort(ids)
			ids = slices.Compact(ids)
			if !slices.Equal(ids, tt.want) {
				t.Errorf("loaded SLOs\n got %q\nwant %q", ids, tt.want)
			}
		})
	}
}

// TestOtherProjectsSpecsKeepTheirMeaning checks how each format's fields
// land in the SLO that burnwatch evaluates.
func TestOtherProjectsSpecsKeepTheirMeaning(t *testing.T) {
	load := func(t *testing.T, path, id string) *slo.SLO {
		t.Helper()
		set, diags := slo.Load(os.DirFS("."), path)
		if len(diags) > 0 {
			t.Fatalf("diagnostics:\n%v", diags)
		}
		s := set.Get(id)
		if s == nil {
			t.Fatalf("no SLO %s in %s", id, path)
		}
		return s
	}
	tests := []struct {
		name  string
		path  string
		id    string
		check func(t *testing.T, s *slo.SLO)
	}{
		{"a Pyrra ratio on one counter becomes an errors SLI that merges", "testdata/interop/pyrra/nginx.yaml", "monitoring/nginx-api-errors", func(t *testing.T, s *slo.SLO) {
			if s.SLI.Kind != slo.SLIErrors || s.SLI.Metric != "nginx_ingress_controller_requests" || len(s.SLI.ErrorMatcher) != 1 || s.SLI.ErrorMatcher[0][0].String() != `status=~"5.."` {
				t.Errorf("SLI = %+v", s.SLI)
			}
			if s.Objective != 0.999 || s.Period.Rolling != 28*24*time.Hour {
				t.Errorf("objective %v period %v", s.Objective, s.Period)
			}
			first := s.Alerting.Windows[0]
			if first.Severity != slo.Page || first.Long != time.Hour || first.Short != 5*time.Minute || first.Factor != 14 {
				t.Errorf("first window = %+v, want Pyrra's page 1h/5m at 14", first)
			}
		}},
		{"a Pyrra latency on a histogram becomes a latency SLI", "testdata/interop/pyrra/caddy-response-latency.yaml", "default/caddy-response-latency", func(t *testing.T, s *slo.SLO) {
			if s.SLI.Kind != slo.SLILatency || s.SLI.Bucket != 0.05 || s.SLI.Threshold != 50*time.Millisecond {
				t.Errorf("SLI = %+v", s.SLI)
			}
		}},
		{"a Pyrra latency whose bucket and count select differently stays as written", "testdata/interop/pyrra/nginx.yaml", "monitoring/nginx-api-latency", func(t *testing.T, s *slo.SLO) {
			if s.SLI.Kind != slo.SLIEvents || !strings.Contains(s.SLI.GoodQuery, `le="1"`) {
				t.Errorf("SLI = %+v", s.SLI)
			}
		}},
		{"a Pyrra native latency keeps its grouping", "testdata/interop/pyrra/pyrra-connect-latency.yaml", "monitoring/pyrra-connect-latency", func(t *testing.T, s *slo.SLO) {
			if !s.SLI.Native || s.SLI.Bucket != 0.2 || !slices.Equal(s.GroupBy, []string{"service", "method"}) {
				t.Errorf("SLI = %+v, group by %v", s.SLI, s.GroupBy)
			}
		}},
		{"a Pyrra bool gauge counts its samples", "testdata/interop/pyrra/prometheus-probe-success.yaml", "default/prometheus-blackbox-probe-success", func(t *testing.T, s *slo.SLO) {
			if s.SLI.GoodQuery != "sum(sum_over_time(probe_success[{{.window}}]))" || s.SLI.TotalQuery != "sum(count_over_time(probe_success[{{.window}}]))" {
				t.Errorf("SLI = %+v", s.SLI)
			}
		}},
		{"an OpenSLO ratio on one counter becomes an errors SLI that merges, with its policies as windows", "testdata/interop/openslo/checkout.yaml", "checkout/requests-availability", func(t *testing.T, s *slo.SLO) {
			if s.SLI.Kind != slo.SLIErrors || s.SLI.Dialect != slo.DialectOTel || s.SLI.ErrorMatcher.String() != `status_code="STATUS_CODE_ERROR"` {
				t.Errorf("SLI %+v", s.SLI)
			}
			want := []slo.Window{
				{Severity: slo.Page, Long: time.Hour, Short: 5 * time.Minute, Factor: 13.44, BudgetShare: 13.44 / (28 * 24)},
				{Severity: slo.Ticket, Long: 72 * time.Hour, Short: 6 * time.Hour, Factor: 1, BudgetShare: 3.0 / 28},
			}
			if !slices.Equal(s.Alerting.Windows, want) {
				t.Errorf("windows\n got %+v\nwant %+v", s.Alerting.Windows, want)
			}
			if s.Alerting.Labels["notification_targets"] != "checkout-oncall,checkout-slack" || s.Labels["app_kubernetes_io_part_of"] != "shop,web" {
				t.Errorf("alert labels %v, labels %v", s.Alerting.Labels, s.Labels)
			}
		}},
		{"an OpenSLO ratio written with {{.window}} stays as written", "testdata/interop/openslo/search.yaml", "search/requests-sla", func(t *testing.T, s *slo.SLO) {
			if s.SLI.Kind != slo.SLIEvents || !strings.HasPrefix(s.SLI.GoodQuery, "sum(rate(") || s.Objective != 0.99 {
				t.Errorf("SLI %+v, objective %v", s.SLI, s.Objective)
			}
		}},
		{"an OpenSLO threshold metric counts the minutes that break it", "testdata/interop/openslo/search.yaml", "search/search-p99", func(t *testing.T, s *slo.SLO) {
			if !strings.Contains(s.SLI.ErrorQuery, ">= bool 500)[{{.window}}:1m]") || s.Period.Calendar != slo.Month || s.Period.Location.String() != "Europe/Berlin" || s.Objective != 0.99 {
				t.Errorf("SLI %+v, period %v, objective %v", s.SLI, s.Period, s.Objective)
			}
		}},
		{"a Sloth Kubernetes resource reads as its prometheus/v1 spec", "testdata/interop/sloth-k8s/k8s-getting-started.yml", "myservice/requests-availability", func(t *testing.T, s *slo.SLO) {
			if s.Alerting.Name != "MyServiceHighErrorRate" || s.Alerting.Page.Labels["routing_key"] != "myteam" || s.Labels["owner"] != "myteam" || s.Source.Format != slo.SlothK8sAPIVersion {
				t.Errorf("SLO = %+v", s)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, load(t, tt.path, tt.id)) })
	}
}
