package web_test

import (
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/burnwatch/burnwatch/web"
)

func TestPagesAndAPIShowEachNewSnapshot(t *testing.T) {
	first := fixtureSnapshot(t)
	second := fixtureSnapshot(t)
	second.At = fixtureAt.Add(30e9)
	second.Statuses = second.Statuses[1:] // checkout/requests-availability is gone
	var current atomic.Pointer[web.Snapshot]
	current.Store(first)
	h, err := web.New(web.Options{Snapshot: current.Load})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	gone := `data-slo="checkout/requests-availability"`
	for _, prepare := range []bool{false, true} {
		current.Store(first)
		for _, path := range []string{"/", "/?team=checkout", "/api/v1/slos", "/api/v1/slos?team=checkout"} {
			_, body := get(t, srv, path)
			if want := map[bool]string{true: `"id":"checkout/requests-availability"`, false: gone}[strings.HasPrefix(path, "/api/")]; !strings.Contains(body, want) {
				t.Fatalf("%s of the first snapshot lacks %s", path, want)
			}
		}
		current.Store(second)
		if prepare {
			h.Prepare()
		}
		for _, path := range []string{"/", "/?team=checkout", "/api/v1/slos", "/api/v1/slos?team=checkout"} {
			_, body := get(t, srv, path)
			for _, stale := range []string{gone, `"id":"checkout/requests-availability"`, `"evaluated_at":"2026-03-02T12:00:00Z"`} {
				if strings.Contains(body, stale) {
					t.Errorf("prepared %t: %s of the second snapshot still shows %s", prepare, path, stale)
				}
			}
			if !strings.Contains(body, "checkout/requests-latency") {
				t.Errorf("prepared %t: %s of the second snapshot lacks checkout/requests-latency", prepare, path)
			}
		}
	}
}
