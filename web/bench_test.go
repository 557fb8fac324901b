package web_test

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/web"
)

// BenchmarkOverview1000 renders the overview of 1,000 SLOs in 50 teams,
// every state represented, as one request through the router.
func BenchmarkOverview1000(b *testing.B) {
	base := loadFixtureSLOs(b)["checkout/requests-latency"]
	snap := &web.Snapshot{At: fixtureAt}
	for i := range 1000 {
		s := *base
		s.Team = fmt.Sprintf("team-%02d", i%50)
		s.Service = fmt.Sprintf("service-%03d", i%200)
		s.Name = fmt.Sprintf("slo-%04d", i)
		s.ID = s.Service + "/" + s.Name
		s.Labels = map[string]string{"tier": fmt.Sprint(i % 3)}
		burn := float64(i%37) / 3
		st := fakeStatus(&s, 1-float64(i%101)/80, constant(burn))
		switch i % 20 {
		case 0:
			st.State, st.Reason = burnrate.StateError, "query failed: connection refused"
		case 1:
			st.State, st.Budget.Remaining = burnrate.StateNoData, math.NaN()
		}
		snap.Statuses = append(snap.Statuses, st)
	}
	h, err := web.New(web.Options{Snapshot: func() *web.Snapshot { return snap }})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		b.SetBytes(int64(rec.Body.Len()))
	}
}
