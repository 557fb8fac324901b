package daemon

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/internal/version"
)

func TestMetricsSayWhichBuildRuns(t *testing.T) {
	h := newReloadHarness(t)
	h.start()
	rec := httptest.NewRecorder()
	h.d.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	info := version.Get()
	want := fmt.Sprintf("burnwatch_build_info{commit=%q,goversion=%q,version=%q} 1\n", info.Commit, info.GoVersion, info.Version)
	if !strings.Contains(rec.Body.String(), want) {
		t.Errorf("/metrics has no line %q", want)
	}
}
