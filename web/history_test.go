package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/web"
)

// slowQuerier answers every query with nothing after a while, and counts
// the range queries it got and the most it ran at once.
type slowQuerier struct {
	delay             time.Duration
	ranges            atomic.Int64
	running, mostSeen atomic.Int64
}

func (q *slowQuerier) Query(ctx context.Context, _ string, _ time.Time) (model.Vector, error) {
	return nil, q.wait(ctx)
}

func (q *slowQuerier) QueryRange(ctx context.Context, _ string, _ burnrate.Range) (model.Matrix, error) {
	q.ranges.Add(1)
	return nil, q.wait(ctx)
}

func (q *slowQuerier) wait(ctx context.Context) error {
	n := q.running.Add(1)
	defer q.running.Add(-1)
	for {
		most := q.mostSeen.Load()
		if n <= most || q.mostSeen.CompareAndSwap(most, n) {
			break
		}
	}
	select {
	case <-time.After(q.delay):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// views requests the detail pages of ids, all at once, through h.
func views(t *testing.T, h http.Handler, ids []string) {
	t.Helper()
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/slo/"+id, nil))
			if rec.Code != http.StatusOK {
				t.Errorf("GET /slo/%s: %d", id, rec.Code)
			}
		})
	}
	wg.Wait()
}

func TestFourHundredViewsOfOneSLOShareOneHistory(t *testing.T) {
	snap := fixtureSnapshot(t)
	newHandler := func(q burnrate.Querier) http.Handler {
		h, err := web.New(web.Options{Snapshot: func() *web.Snapshot { return snap }, Querier: q})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	one := &slowQuerier{delay: 20 * time.Millisecond}
	views(t, newHandler(one), []string{"checkout/requests-latency"})

	q := &slowQuerier{delay: 20 * time.Millisecond}
	ids := make([]string, 400)
	for i := range ids {
		ids[i] = "checkout/requests-latency"
	}
	views(t, newHandler(q), ids)
	t.Logf("one view: %d range queries, 400 views: %d", one.ranges.Load(), q.ranges.Load())
	if got, want := q.ranges.Load(), one.ranges.Load(); got > want {
		t.Errorf("400 concurrent views sent %d range queries, one view %d", got, want)
	}
}

func TestHistoriesOfManySLOsRunABoundedNumberOfRangeQueries(t *testing.T) {
	base := loadFixtureSLOs(t)["checkout/requests-latency"]
	snap := &web.Snapshot{At: fixtureAt}
	var ids []string
	for i := range 40 {
		s := *base
		s.Name = fmt.Sprintf("slo-%02d", i)
		s.ID = s.Service + "/" + s.Name
		snap.Statuses = append(snap.Statuses, fakeStatus(&s, 0.5, constant(1)))
		ids = append(ids, s.ID)
	}
	q := &slowQuerier{delay: 20 * time.Millisecond}
	h, err := web.New(web.Options{Snapshot: func() *web.Snapshot { return snap }, Querier: q, HistoryConcurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	views(t, h, ids)
	if most := q.mostSeen.Load(); most > 3 {
		t.Errorf("%d history queries ran at once, want at most 3", most)
	}
	if q.ranges.Load() == 0 {
		t.Error("no history was queried")
	}
}
