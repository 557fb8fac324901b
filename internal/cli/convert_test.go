package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/slo"
)

func TestConvertPrintsSpecsThatLoadAsTheSameSLOs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    int
		ids     []string
		stderrs string
	}{
		{"a Pyrra example", []string{"../../slo/testdata/interop/pyrra/nginx.yaml"}, exitOK,
			[]string{"monitoring/nginx-api-errors", "monitoring/nginx-api-latency"}, ""},
		{"an OpenSLO spec with its references", []string{"--to", "burnwatch/v1", "../../slo/testdata/interop/openslo/checkout.yaml"}, exitOK,
			[]string{"checkout/requests-availability"}, ""},
		{"a spec with problems converts nothing", []string{"../../slo/testdata/invalid/openslo-upstream-timeslices.yaml"}, exitFailed,
			nil, "budgetingMethod Timeslices is not supported"},
		{"another target format is a usage error", []string{"--to", "openslo/v1", "../../specs"}, exitUsage, nil, "only burnwatch/v1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Main(context.Background(), append([]string{"convert"}, tt.args...), &stdout, &stderr); code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.stderrs) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tt.stderrs)
			}
			if tt.code != exitOK {
				if stdout.Len() > 0 {
					t.Errorf("printed %q on failure", stdout.String())
				}
				return
			}
			set, diags := slo.LoadBytes("converted.yaml", stdout.Bytes())
			if len(diags) > 0 {
				t.Fatalf("output does not load: %v\n%s", diags, stdout.String())
			}
			var ids []string
			for _, s := range set.SLOs {
				ids = append(ids, s.ID)
			}
			if strings.Join(ids, " ") != strings.Join(tt.ids, " ") {
				t.Errorf("SLOs %v, want %v", ids, tt.ids)
			}
		})
	}
}
