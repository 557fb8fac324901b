package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

// eventsQuerier answers every instant query: 30 bad events for a query of
// failed calls, 10,000 calls otherwise.
type eventsQuerier struct{}

func (eventsQuerier) Query(_ context.Context, expr string, at time.Time) (model.Vector, error) {
	v := 10000.0
	if strings.Contains(expr, "STATUS_CODE_ERROR") {
		v = 30
	}
	return model.Vector{{Metric: model.Metric{}, Value: model.SampleValue(v), Timestamp: model.TimeFromUnixNano(at.UnixNano())}}, nil
}

func (eventsQuerier) QueryRange(context.Context, string, burnrate.Range) (model.Matrix, error) {
	return nil, nil
}

func TestTheTeamReportPage(t *testing.T) {
	set, diags := slo.LoadBytes("shop.yaml", []byte(`version: burnwatch/v1
team: shop
slos:
  - name: availability
    service: cart
    objective: 99.9
    sli:
      errors:
        metric: calls_total{service_name="cart"}
        error_matcher: status_code="STATUS_CODE_ERROR"
`))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	snap := &web.Snapshot{At: at, Statuses: []burnrate.Status{{SLO: set.SLOs[0], At: at, State: burnrate.StateOK,
		Budget: burnrate.Budget{Remaining: 0.2, ExhaustedIn: 50 * time.Hour, Exhausts: true}}}}
	srv := newFixtureServer(t, web.Options{Snapshot: func() *web.Snapshot { return snap }, Querier: eventsQuerier{}})
	tests := []struct {
		name     string
		path     string
		wantCode int
		want     []string
	}{
		// 30 bad of 10,000: 99.7% attained, three times the budget.
		{"last week's report", "/reports/shop", http.StatusOK,
			[]string{"shop: weekly SLO report, 23 Nov 2026 – 29 Nov 2026", "99.7%", "<strong>no</strong>", "300.0%", "20.0%", "No incidents in this period."}},
		{"last month's report", "/reports/shop?period=month", http.StatusOK, []string{"shop: monthly SLO report, 1 Oct 2026 – 31 Oct 2026"}},
		{"an unknown team", "/reports/nobody", http.StatusNotFound, []string{"No SLO belongs to the team nobody."}},
		{"an unknown period", "/reports/shop?period=decade", http.StatusBadRequest, []string{"?period=week"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, srv, tt.path)
			if res.StatusCode != tt.wantCode {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.wantCode)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("the page does not say %q", w)
				}
			}
		})
	}
}
