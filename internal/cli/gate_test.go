package cli

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

func gateServer(t *testing.T, remaining float64, evaluated bool) string {
	t.Helper()
	set, diags := slo.LoadBytes("shop.yaml", []byte(`version: burnwatch/v1
team: shop
gate: {min_budget_remaining: 10%, deny_while_paging: true}
slos:
  - name: availability
    service: checkout
    objective: 99.9
    sli: {raw: {error_ratio_query: 'rate(x[{{.window}}])'}}
`))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	snap := &web.Snapshot{At: at, Statuses: []burnrate.Status{{SLO: set.SLOs[0], At: at, State: burnrate.StateOK,
		Budget: burnrate.Budget{Remaining: remaining}}}}
	h, err := web.New(web.Options{Logger: slog.New(slog.DiscardHandler), Snapshot: func() *web.Snapshot {
		if !evaluated {
			return nil
		}
		return snap
	}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestGateExitsZeroToAllowAndOneToDeny(t *testing.T) {
	tests := []struct {
		name       string
		remaining  float64
		evaluated  bool
		args       []string
		wantCode   int
		wantOutput string
	}{
		{"enough budget allows the deploy", 0.5, true, []string{"--service", "checkout"}, exitOK,
			"ALLOW (evaluated at 2026-11-30T12:00:00Z)\n  all 1 gated SLOs have the budget their policies ask for and none pages\n"},
		{"too little budget denies it", 0.04, true, []string{"--team", "shop"}, exitFailed,
			"DENY (evaluated at 2026-11-30T12:00:00Z)\n  checkout/availability: 4.0% of the error budget left, below the gate's minimum of 10.0%\n"},
		{"a gate that has not evaluated yet denies", 0.5, false, []string{"--service", "checkout"}, exitFailed, ""},
		{"an unknown service denies", 0.5, true, []string{"--service", "nope"}, exitFailed, ""},
		{"naming nothing is a usage error", 0.5, true, nil, exitUsage, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := gateServer(t, tt.remaining, tt.evaluated)
			var stdout, stderr bytes.Buffer
			code := Main(context.Background(), append([]string{"gate", "--url", u}, tt.args...), &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.wantCode, stderr.String())
			}
			if stdout.String() != tt.wantOutput {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), tt.wantOutput)
			}
			if code == exitFailed && tt.wantOutput == "" && !strings.Contains(stderr.String(), "denying") {
				t.Errorf("stderr %q does not say the deploy is denied", stderr.String())
			}
		})
	}
}
