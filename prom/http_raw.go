package prom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/burnwatch/burnwatch/burnrate"
)

// QuerySamples returns the raw samples selector matches over the d before
// at, with the usual retries.
func (h *HTTP) QuerySamples(ctx context.Context, selector string, d time.Duration, at time.Time) (model.Matrix, error) {
	expr := samplesExpr(selector, d)
	var value model.Value
	err := h.retry(ctx, expr, func(ctx context.Context) error {
		v, warnings, err := h.api.Query(ctx, expr, at, v1.WithTimeout(h.opts.Timeout))
		h.logWarnings(expr, warnings)
		value = v
		return err
	})
	var mat model.Matrix
	if err == nil {
		var ok bool
		if mat, ok = value.(model.Matrix); !ok {
			err = fmt.Errorf("answered a %s, want a matrix", value.Type())
		}
	}
	if err != nil {
		err = fmt.Errorf("query %q at %s: %w", expr, formatTime(at), err)
	}
	return mat, h.counters.count(err)
}

// RangeRules tells the server's range rules from its version in
// /api/v1/status/buildinfo. Only a server that answers like Prometheus
// itself is trusted (a version with a revision and a Go version, and no
// other application named): Thanos, Mimir and VictoriaMetrics run engines
// of their own, whose increase() need not follow Prometheus' rules of the
// same version number, and get increase() queries as before. Prometheus
// 2.51 is not trusted either: the order of its extrapolation limits is not
// known here. An answer is kept; a failure is asked again after
// versionRetry.
func (h *HTTP) RangeRules(ctx context.Context) (burnrate.RangeRules, error) {
	return h.rules.get(ctx, h.fetchRules, h.opts.Logger)
}

// versionRetry is how long a failed version check is kept before the next.
const versionRetry = 10 * time.Minute

// engineVersion caches the range rules of a server.
type engineVersion struct {
	mu      sync.Mutex
	rules   burnrate.RangeRules
	err     error
	checked time.Time
}

// get returns the cached rules, checking them again when there are none
// yet or the last check failed long enough ago. A check that fails where
// the one before it did not, or for another reason, is logged: the short
// windows are then queried with increase() every cycle, which costs the
// server more, and the operator should know why.
func (v *engineVersion) get(ctx context.Context, fetch func(context.Context) (burnrate.RangeRules, error), log *slog.Logger) (burnrate.RangeRules, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.checked.IsZero() || (v.err != nil && time.Since(v.checked) > versionRetry) {
		before := v.err
		v.rules, v.err = fetch(ctx)
		v.checked = time.Now()
		switch {
		case v.err != nil && (before == nil || before.Error() != v.err.Error()):
			log.Info("raw samples are not read: short windows are queried with increase() every cycle", "reason", v.err.Error())
		case v.err == nil && before != nil:
			log.Info("raw samples are read again", "after", before.Error())
		}
	}
	return v.rules, v.err
}

// BuildInfo is the part of a server's /api/v1/status/buildinfo answer
// that tells its engine.
type BuildInfo struct {
	Version     string `json:"version"`
	Revision    string `json:"revision"`
	GoVersion   string `json:"goVersion"`
	Application string `json:"application"`
}

func (h *HTTP) fetchRules(ctx context.Context) (burnrate.RangeRules, error) {
	u := h.client.URL("/api/v1/status/buildinfo", nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return burnrate.RangeRules{}, fmt.Errorf("build info of %s: %w", redactedURL(h.opts.URL), err)
	}
	resp, body, err := h.client.Do(ctx, req)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %s", resp.Status)
	}
	var answer struct {
		Data BuildInfo `json:"data"`
	}
	if err == nil {
		err = json.Unmarshal(body, &answer)
	}
	if err == nil {
		var rules burnrate.RangeRules
		if rules, err = RangeRulesOf(answer.Data); err == nil {
			return rules, nil
		}
	}
	return burnrate.RangeRules{}, fmt.Errorf("build info of %s: %w", redactedURL(h.opts.URL), err)
}

// RangeRulesOf returns the range rules of the server a build info
// describes, or an error when it is not Prometheus itself or its version
// has no known rules (see HTTP.RangeRules).
func RangeRulesOf(b BuildInfo) (burnrate.RangeRules, error) {
	if b.Application != "" || b.Revision == "" || b.GoVersion == "" {
		return burnrate.RangeRules{}, fmt.Errorf("%q %s is not Prometheus itself", b.Application, b.Version)
	}
	parts := strings.SplitN(strings.TrimPrefix(b.Version, "v"), ".", 3)
	if len(parts) < 2 {
		return burnrate.RangeRules{}, fmt.Errorf("version %q is not major.minor.patch", b.Version)
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err := errors.Join(err1, err2); err != nil {
		return burnrate.RangeRules{}, fmt.Errorf("version %q: %w", b.Version, err)
	}
	switch {
	case major >= 3:
		return burnrate.RangeRules{}, nil
	case major == 2 && minor >= 52:
		return burnrate.RangeRules{IncludesStart: true}, nil
	case major == 2 && minor <= 50:
		return burnrate.RangeRules{IncludesStart: true, ZeroFirst: true}, nil
	}
	return burnrate.RangeRules{}, fmt.Errorf("no known range rules for Prometheus %s", b.Version)
}
