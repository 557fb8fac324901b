package slo_test

import (
	"fmt"
	"testing"

	"github.com/burnwatch/burnwatch/slo"
)

func TestObjectivesReadAsWritten(t *testing.T) {
	for written, ratio := range map[string]string{"99.9": "0.999", "99.99": "0.9999", "99.95": "0.9995", "99": "0.99", "95.5": "0.955", "99.999": "0.99999"} {
		t.Run(written, func(t *testing.T) {
			spec := fmt.Sprintf(`version: burnwatch/v1
team: t
slos:
  - name: a
    service: b
    objective: %s
    sli:
      errors:
        metric: calls_total
`, written)
			set, diags := slo.LoadBytes("spec.yaml", []byte(spec))
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			s := set.SLOs[0]
			if got := fmt.Sprint(s.ObjectivePercent()); got != written {
				t.Errorf("ObjectivePercent() = %s, want %s", got, written)
			}
			if got := fmt.Sprint(s.Objective); got != ratio {
				t.Errorf("Objective = %s, want %s", got, ratio)
			}
		})
	}
}
