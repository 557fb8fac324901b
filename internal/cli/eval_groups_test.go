package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/internal/promtest"
)

// TestEvalSplitsAGroupedSLOByItsGroups runs `burnwatch eval` on an SLO
// grouped by span_name against a real Prometheus holding one span: it
// reports one SLO for that span, named service/name/<span>, and burning as
// the incident makes it.
func TestEvalSplitsAGroupedSLOByItsGroups(t *testing.T) {
	end := time.Now().Add(-2 * time.Hour).Truncate(time.Minute)
	srv := promtest.Start(t, promtest.Options{Backfill: backfillSpanMetrics(t, end)})
	spec := filepath.Join(t.TempDir(), "grouped.yaml")
	err := os.WriteFile(spec, []byte(`version: burnwatch/v1
team: checkout
slos:
  - name: spans
    service: checkout
    objective: 99.9
    group_by: [span_name]
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="checkout"}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"eval", "--specs", spec, "--prometheus-url", srv.URL, "--at", strconv.FormatInt(end.Unix(), 10), "--output", "json"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("eval exited %d: %s", code, stderr.String())
	}
	var report burnrate.Report
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatal(err)
	}
	if len(report.SLOs) != 1 || report.SLOs[0].ID != "checkout/spans/POST /checkout" || report.SLOs[0].Firing != "page" {
		t.Errorf("report: %s", stdout.String())
	}
}
