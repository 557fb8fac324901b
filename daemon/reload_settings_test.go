package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"gopkg.in/yaml.v3"

	"github.com/burnwatch/burnwatch/internal/promtest"
	"github.com/burnwatch/burnwatch/slo"
)

const settingsSpec = `version: burnwatch/v1
team: checkout
slos:
  - name: %s
    service: checkout
    objective: 99.9
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}
        threshold: 2s
`

// reloadHarness is a daemon on a config held as a YAML tree, a fake
// Prometheus, and the daemon's log.
type reloadHarness struct {
	t    *testing.T
	dir  string
	prom *fakeProm
	tls  *fakeProm
	cfg  map[string]any
	d    *Daemon
	logs lockedBuffer
}

// lockedBuffer is promtest's, for output read while it is written.
type lockedBuffer = promtest.LockedBuffer

func newReloadHarness(t *testing.T) *reloadHarness {
	t.Setenv("BURNWATCH_TEST_WEB_TOKEN", "web-token-1")
	h := &reloadHarness{t: t, dir: t.TempDir(), prom: newFakeProm(t), tls: newFakePromTLS(t)}
	for _, d := range []string{"specs", "specs2"} {
		if err := os.Mkdir(filepath.Join(h.dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	h.writeFile("specs/checkout.yaml", fmt.Sprintf(settingsSpec, "latency"))
	h.writeFile("specs2/other.yaml", fmt.Sprintf(settingsSpec, "other"))
	t.Setenv("BURNWATCH_TEST_HOOK_URL", "http://127.0.0.1:1/hook")
	h.cfg = map[string]any{
		"prometheus":     map[string]any{"url": h.prom.URL, "retries": -1},
		"specs":          []any{"specs"},
		"listen_address": "127.0.0.1:0",
		"receivers": []any{
			map[string]any{"name": "hook", "webhook": map[string]any{"url": map[string]any{"env": "BURNWATCH_TEST_HOOK_URL"}}},
		},
		"default_receivers": []any{"hook"},
	}
	return h
}

func (h *reloadHarness) writeFile(name, text string) {
	h.t.Helper()
	if err := os.WriteFile(filepath.Join(h.dir, name), []byte(text), 0o600); err != nil {
		h.t.Fatal(err)
	}
}

// set sets the setting at a dotted path of the config tree.
func (h *reloadHarness) set(path string, value any) {
	m := h.cfg
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = value
}

func (h *reloadHarness) writeConfig() {
	h.t.Helper()
	data, err := yaml.Marshal(h.cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	h.writeFile("burnwatch.yaml", string(data))
}

func (h *reloadHarness) start() {
	h.t.Helper()
	h.writeConfig()
	d, err := New(Options{ConfigPath: filepath.Join(h.dir, "burnwatch.yaml"), Unscheduled: true,
		Logger: slog.New(slog.NewJSONHandler(&h.logs, nil))})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { d.Close() })
	h.d = d
}

// query sends one query through the daemon's current querier.
func (h *reloadHarness) query() error {
	_, err := querierOf{h.d}.Query(context.Background(), "up", time.Now())
	return err
}

// get answers a request to the daemon's handler, with basic credentials
// when user is not empty.
func (h *reloadHarness) get(path, user, password string) int {
	req := httptest.NewRequest("GET", path, nil)
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	rec := httptest.NewRecorder()
	h.d.Handler().ServeHTTP(rec, req)
	return rec.Code
}

// page returns the body of a dashboard page.
func (h *reloadHarness) page(path string) string {
	rec := httptest.NewRecorder()
	h.d.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Body.String()
}

// metrics reads the daemon's /metrics page past any web auth.
func (h *reloadHarness) metrics() string {
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(h.d.reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

func (h *reloadHarness) locked(f func(d *Daemon) error) error {
	h.d.mu.Lock()
	defer h.d.mu.Unlock()
	return f(h.d)
}

// settingRow is how a test sees that a reload applied one setting: base
// prepares the config the daemon starts with, value is the setting's new
// value, and observe returns nil only once the new value is in effect.
type settingRow struct {
	base    func(h *reloadHarness)
	value   func(h *reloadHarness) any
	observe func(h *reloadHarness) error
}

func constant(v any) func(*reloadHarness) any { return func(*reloadHarness) any { return v } }

func want[T comparable](what string, got, want T) error {
	if got != want {
		return fmt.Errorf("%s is %v, want %v", what, got, want)
	}
	return nil
}

// needsRestart observes that a reload reported a setting it cannot apply:
// a log line naming it, the counter, and the running value kept.
func needsRestart(setting string, running func(d *Daemon) string, startValue string) settingRow {
	return settingRow{
		value: constant("changed-" + strings.ReplaceAll(setting, "_", "-")),
		observe: func(h *reloadHarness) error {
			if !strings.Contains(h.logs.String(), `"setting":"`+setting+`"`) {
				return errors.New("no log line names the setting")
			}
			if !strings.Contains(h.metrics(), `burnwatch_config_reload_restart_required_total{setting="`+setting+`"} 1`) {
				return errors.New("the restart is not counted")
			}
			return h.locked(func(d *Daemon) error { return want("the running value", running(d), startValue) })
		},
	}
}

// storeNeedsRestart observes that a reload that moves the store to
// PostgreSQL keeps the running one: the setting is the DSN, or, with a
// DSN set beside it, value.
func storeNeedsRestart(t *testing.T, setting string, value any) settingRow {
	row := needsRestart(setting, func(d *Daemon) string { return fmt.Sprint(d.cfg.Store.Postgres != nil) }, "false")
	t.Setenv("BURNWATCH_TEST_STORE_DSN", "postgres://burnwatch@127.0.0.1:1/burnwatch")
	dsn := map[string]any{"env": "BURNWATCH_TEST_STORE_DSN"}
	row.value = func(h *reloadHarness) any {
		if value == nil {
			return dsn
		}
		h.set("store.postgres.dsn", dsn)
		return value
	}
	return row
}

// querySucceeds observes that a query through the daemon works.
func querySucceeds(h *reloadHarness) error { return h.query() }

func viaTLS(extra map[string]any) func(h *reloadHarness) {
	return func(h *reloadHarness) {
		p := map[string]any{"url": h.tls.URL, "retries": -1}
		tlsCfg := map[string]any{}
		for k, v := range extra {
			tlsCfg[k] = v
		}
		p["tls"] = tlsCfg
		h.cfg["prometheus"] = p
	}
}

// twoReceivers is the receivers setting with a second webhook.
var twoReceivers = []any{
	map[string]any{"name": "hook", "webhook": map[string]any{"url": map[string]any{"env": "BURNWATCH_TEST_HOOK_URL"}}},
	map[string]any{"name": "second", "webhook": map[string]any{"url": map[string]any{"env": "BURNWATCH_TEST_HOOK_URL"}}},
}

func settingRows(t *testing.T) map[string]settingRow {
	certs := t.TempDir()
	key, one, two := clientCerts(t, certs)
	keyCopy := filepath.Join(certs, "copy.key")
	if data, err := os.ReadFile(key); err != nil || os.WriteFile(keyCopy, data, 0o600) != nil {
		t.Fatal("cannot copy the client key", err)
	}
	var second *fakeProm
	var hbFirst, hbSecond *fakeHeartbeat
	return map[string]settingRow{
		"prometheus.url": {
			base:  func(h *reloadHarness) { second = newFakeProm(t) },
			value: func(h *reloadHarness) any { return second.URL },
			observe: func(h *reloadHarness) error {
				h.query()
				n, _, _ := second.seen()
				return want("requests to the new URL", n > 0, true)
			},
		},
		"prometheus.timeout": {
			base:  func(h *reloadHarness) { h.prom.set(0, "", 300*time.Millisecond) },
			value: constant("50ms"),
			observe: func(h *reloadHarness) error {
				err := h.query()
				return want("the query timed out after 50ms", err != nil && strings.Contains(err.Error(), "timed out after 50ms"), true)
			},
		},
		"prometheus.retries": {
			base:  func(h *reloadHarness) { h.prom.set(http.StatusServiceUnavailable, "down", 0) },
			value: constant(1),
			observe: func(h *reloadHarness) error {
				before, _, _ := h.prom.seen()
				h.query()
				after, _, _ := h.prom.seen()
				return want("attempts of a failing query", after-before, 2)
			},
		},
		"prometheus.headers": {
			value: constant(map[string]any{"X-Scope-OrgID": "team-b"}),
			observe: func(h *reloadHarness) error {
				h.query()
				_, header, _ := h.prom.seen()
				return want("X-Scope-OrgID", header.Get("X-Scope-OrgID"), "team-b")
			},
		},
		"prometheus.bearer_token": {
			base:  func(h *reloadHarness) { t.Setenv("BURNWATCH_TEST_PROM_TOKEN", "prom-token-1") },
			value: constant(map[string]any{"env": "BURNWATCH_TEST_PROM_TOKEN"}),
			observe: func(h *reloadHarness) error {
				h.query()
				_, header, _ := h.prom.seen()
				return want("Authorization", header.Get("Authorization"), "Bearer prom-token-1")
			},
		},
		"prometheus.basic_auth.username": {
			base: func(h *reloadHarness) {
				t.Setenv("BURNWATCH_TEST_PROM_PASSWORD", "prom-password-1")
				h.set("prometheus.basic_auth", map[string]any{"username": "reader", "password": map[string]any{"env": "BURNWATCH_TEST_PROM_PASSWORD"}})
			},
			value: constant("writer"),
			observe: func(h *reloadHarness) error {
				h.query()
				_, header, _ := h.prom.seen()
				r := http.Request{Header: header}
				user, _, _ := r.BasicAuth()
				return want("the basic-auth user", user, "writer")
			},
		},
		"prometheus.basic_auth.password": {
			base: func(h *reloadHarness) {
				t.Setenv("BURNWATCH_TEST_PROM_PASSWORD", "prom-password-1")
				t.Setenv("BURNWATCH_TEST_PROM_PASSWORD_2", "prom-password-2")
				h.set("prometheus.basic_auth", map[string]any{"username": "reader", "password": map[string]any{"env": "BURNWATCH_TEST_PROM_PASSWORD"}})
			},
			value: constant(map[string]any{"env": "BURNWATCH_TEST_PROM_PASSWORD_2"}),
			observe: func(h *reloadHarness) error {
				h.query()
				_, header, _ := h.prom.seen()
				r := http.Request{Header: header}
				_, password, _ := r.BasicAuth()
				return want("the basic-auth password", password, "prom-password-2")
			},
		},
		"prometheus.tls.ca_file": {
			base:    viaTLS(nil),
			value:   func(h *reloadHarness) any { return h.tls.caFile(t, certs) },
			observe: querySucceeds,
		},
		"prometheus.tls.insecure_skip_verify": {
			base:    viaTLS(nil),
			value:   constant(true),
			observe: querySucceeds,
		},
		"prometheus.tls.server_name": {
			base: func(h *reloadHarness) {
				viaTLS(map[string]any{"ca_file": h.tls.caFile(t, certs), "server_name": "wrong.invalid"})(h)
			},
			value:   constant("example.com"),
			observe: querySucceeds,
		},
		"prometheus.tls.cert_file": {
			base: func(h *reloadHarness) {
				viaTLS(map[string]any{"ca_file": h.tls.caFile(t, certs), "cert_file": one, "key_file": key})(h)
			},
			value: constant(two),
			observe: func(h *reloadHarness) error {
				h.query()
				_, _, cn := h.tls.seen()
				return want("the client certificate", cn, "two")
			},
		},
		"prometheus.tls.key_file": {
			// The key moves to a new file and the old one goes: only a
			// querier that reads the new path still shakes hands.
			base: func(h *reloadHarness) {
				viaTLS(map[string]any{"ca_file": h.tls.caFile(t, certs), "cert_file": one, "key_file": key})(h)
			},
			value: constant(keyCopy),
			observe: func(h *reloadHarness) error {
				if err := os.Remove(key); err != nil && !errors.Is(err, os.ErrNotExist) {
					t.Fatal(err)
				}
				return h.query()
			},
		},
		"specs": {
			value: constant([]any{"specs2"}),
			observe: func(h *reloadHarness) error {
				st := h.d.Evaluate(context.Background(), time.Now()).Statuses
				return want("the SLO evaluated", len(st) == 1 && st[0].SLO.ID == "checkout/other", true)
			},
		},
		"evaluation_interval": {
			value:   constant("1m"),
			observe: func(h *reloadHarness) error { return want("the interval", h.d.interval(), time.Minute) },
		},
		"data_dir":             needsRestart("data_dir", func(d *Daemon) string { return filepath.Base(d.cfg.DataDir) }, "data"),
		"listen_address":       needsRestart("listen_address", func(d *Daemon) string { return d.cfg.ListenAddress }, "127.0.0.1:0"),
		"store.postgres.dsn":   storeNeedsRestart(t, "store.postgres.dsn", nil),
		"store.postgres.lease": storeNeedsRestart(t, "store.postgres.lease", "5s"),
		"external_url": {
			value:   constant("http://127.0.0.1:8080/dash"),
			observe: func(h *reloadHarness) error { return want("GET /dash/", h.get("/dash/", "", ""), http.StatusOK) },
		},
		"alerting.repeat_interval": {
			value: constant("1h"),
			observe: func(h *reloadHarness) error {
				return h.locked(func(d *Daemon) error { return want("repeat interval", d.managerOpts.RepeatInterval, time.Hour) })
			},
		},
		"alerting.failing_cycles": {
			value: constant(7),
			observe: func(h *reloadHarness) error {
				return h.locked(func(d *Daemon) error { return want("failing cycles", d.managerOpts.FailingCycles, 7) })
			},
		},
		"alerting.failing_severity": {
			value: constant("page"),
			observe: func(h *reloadHarness) error {
				return h.locked(func(d *Daemon) error { return want("failing severity", d.managerOpts.FailingSeverity, slo.Page) })
			},
		},
		"alerting.no_data_after": {
			value: constant("20m"),
			observe: func(h *reloadHarness) error {
				return h.locked(func(d *Daemon) error { return want("no data after", d.managerOpts.NoDataAfter, 20*time.Minute) })
			},
		},
		"alerting.exemplars": {
			value: constant(false),
			observe: func(h *reloadHarness) error {
				return h.locked(func(d *Daemon) error { return want("exemplars off", d.managerOpts.Exemplars == nil, true) })
			},
		},
		"alerting.retention": {
			value: constant("48h"),
			observe: func(h *reloadHarness) error {
				return h.locked(func(d *Daemon) error { return want("retention", d.managerOpts.Retention, 48*time.Hour) })
			},
		},
		"reports.periods": {
			value: constant([]any{"week"}),
			observe: func(h *reloadHarness) error {
				return h.locked(func(d *Daemon) error { return want("report periods", strings.Join(d.cfg.Reports.Periods, ","), "week") })
			},
		},
		"alerting.max_traces": {
			value: constant(9),
			observe: func(h *reloadHarness) error {
				return h.locked(func(d *Daemon) error { return want("max traces", d.managerOpts.MaxTraces, 9) })
			},
		},
		"receivers": {
			value: constant(twoReceivers),
			observe: func(h *reloadHarness) error {
				return h.locked(func(d *Daemon) error { return want("receivers", strings.Join(d.receivers, ","), "hook,second") })
			},
		},
		"routes": {
			base:  func(h *reloadHarness) { h.set("receivers", twoReceivers) },
			value: constant([]any{map[string]any{"match": map[string]any{"teams": []any{"checkout"}}, "receivers": []any{"second"}}}),
			observe: func(h *reloadHarness) error {
				return h.locked(func(d *Daemon) error {
					return want("receivers of a checkout page", strings.Join(d.managerOpts.Router.Receivers(&slo.SLO{Team: "checkout"}, "page", "burn"), ","), "second")
				})
			},
		},
		"default_receivers": {
			base:  func(h *reloadHarness) { h.set("receivers", twoReceivers) },
			value: constant([]any{"second"}),
			observe: func(h *reloadHarness) error {
				return h.locked(func(d *Daemon) error {
					return want("default receivers", slices.Equal(d.managerOpts.Router.Default, []string{"second"}), true)
				})
			},
		},
		"web.bearer_token": {
			base:  func(h *reloadHarness) { t.Setenv("BURNWATCH_TEST_WEB_TOKEN", "web-token-1") },
			value: constant(map[string]any{"env": "BURNWATCH_TEST_WEB_TOKEN"}),
			observe: func(h *reloadHarness) error {
				return want("GET / without a token", h.get("/", "", ""), http.StatusUnauthorized)
			},
		},
		"web.metrics_auth": {
			base:  func(h *reloadHarness) { h.set("web.bearer_token", map[string]any{"env": "BURNWATCH_TEST_WEB_TOKEN"}) },
			value: constant(false),
			observe: func(h *reloadHarness) error {
				return want("GET /metrics without a token", h.get("/metrics", "", ""), http.StatusOK)
			},
		},
		"web.basic_auth.username": {
			base: func(h *reloadHarness) {
				t.Setenv("BURNWATCH_TEST_WEB_PASSWORD", "web-password-1")
				h.set("web.basic_auth", map[string]any{"username": "sre", "password": map[string]any{"env": "BURNWATCH_TEST_WEB_PASSWORD"}})
			},
			value: constant("ops"),
			observe: func(h *reloadHarness) error {
				return want("GET / as ops", h.get("/", "ops", "web-password-1"), http.StatusOK)
			},
		},
		"web.basic_auth.password": {
			base: func(h *reloadHarness) {
				t.Setenv("BURNWATCH_TEST_WEB_PASSWORD", "web-password-1")
				t.Setenv("BURNWATCH_TEST_WEB_PASSWORD_2", "web-password-2")
				h.set("web.basic_auth", map[string]any{"username": "sre", "password": map[string]any{"env": "BURNWATCH_TEST_WEB_PASSWORD"}})
			},
			value: constant(map[string]any{"env": "BURNWATCH_TEST_WEB_PASSWORD_2"}),
			observe: func(h *reloadHarness) error {
				return want("GET / with the new password", h.get("/", "sre", "web-password-2"), http.StatusOK)
			},
		},
		"web.prometheus_url": {
			value: constant("http://prometheus-ui.invalid"),
			observe: func(h *reloadHarness) error {
				h.cycle()
				return want("a query linked to the Prometheus UI", strings.Contains(h.page("/slo/checkout/latency"), "http://prometheus-ui.invalid/graph?"), true)
			},
		},
		"web.grafana_url": {
			base:  func(h *reloadHarness) { h.set("web.grafana_datasource_uid", "prom-1") },
			value: constant("http://grafana.invalid"),
			observe: func(h *reloadHarness) error {
				h.cycle()
				return want("a query linked to Grafana Explore", strings.Contains(h.page("/slo/checkout/latency"), "http://grafana.invalid/explore?"), true)
			},
		},
		"web.grafana_datasource_uid": {
			base: func(h *reloadHarness) {
				h.set("web.grafana_url", "http://grafana.invalid")
				h.set("web.grafana_datasource_uid", "prom-1")
			},
			value: constant("prom-2"),
			observe: func(h *reloadHarness) error {
				h.cycle()
				return want("Explore links to the datasource prom-2", strings.Contains(h.page("/slo/checkout/latency"), "prom-2"), true)
			},
		},
		"heartbeat.url": {
			base: func(h *reloadHarness) {
				hbFirst, hbSecond = newFakeHeartbeat(t), newFakeHeartbeat(t)
				t.Setenv("BURNWATCH_TEST_HEARTBEAT_URL", hbFirst.URL)
				t.Setenv("BURNWATCH_TEST_HEARTBEAT_URL_2", hbSecond.URL)
				h.set("heartbeat.url", map[string]any{"env": "BURNWATCH_TEST_HEARTBEAT_URL"})
				h.set("heartbeat.interval", "1ms")
			},
			value: constant(map[string]any{"env": "BURNWATCH_TEST_HEARTBEAT_URL_2"}),
			observe: func(h *reloadHarness) error {
				h.cycle()
				calls, _ := hbSecond.seen()
				return want("calls to the new URL", calls > 0, true)
			},
		},
		"heartbeat.method": {
			base: func(h *reloadHarness) {
				hbFirst = newFakeHeartbeat(t)
				t.Setenv("BURNWATCH_TEST_HEARTBEAT_URL", hbFirst.URL)
				h.set("heartbeat.url", map[string]any{"env": "BURNWATCH_TEST_HEARTBEAT_URL"})
				h.set("heartbeat.interval", "1ms")
			},
			value: constant("POST"),
			observe: func(h *reloadHarness) error {
				time.Sleep(2 * time.Millisecond)
				h.cycle()
				_, method := hbFirst.seen()
				return want("the method of the last call", method, "POST")
			},
		},
		"heartbeat.interval": {
			base: func(h *reloadHarness) {
				hbFirst = newFakeHeartbeat(t)
				t.Setenv("BURNWATCH_TEST_HEARTBEAT_URL", hbFirst.URL)
				h.set("heartbeat.url", map[string]any{"env": "BURNWATCH_TEST_HEARTBEAT_URL"})
				h.set("heartbeat.interval", "1h")
			},
			value: constant("1ms"),
			observe: func(h *reloadHarness) error {
				before, _ := hbFirst.seen()
				for range 2 {
					time.Sleep(2 * time.Millisecond)
					h.cycle()
				}
				after, _ := hbFirst.seen()
				return want("calls from two cycles more than 1ms apart", after-before, 2)
			},
		},
		"heartbeat.timeout": {
			base: func(h *reloadHarness) {
				hbFirst = newFakeHeartbeat(t)
				hbFirst.set(http.StatusOK, 300*time.Millisecond)
				t.Setenv("BURNWATCH_TEST_HEARTBEAT_URL", hbFirst.URL)
				h.set("heartbeat.url", map[string]any{"env": "BURNWATCH_TEST_HEARTBEAT_URL"})
				h.set("heartbeat.interval", "1ms")
			},
			value: constant("50ms"),
			observe: func(h *reloadHarness) error {
				time.Sleep(2 * time.Millisecond)
				h.cycle()
				return want("a 300ms answer counted as a failure", strings.Contains(h.metrics(), "burnwatch_heartbeat_failures_total 1"), true)
			},
		},
	}
}

// TestEverySettingAppliesOnReloadOrSaysItNeedsARestart changes each setting
// of the config, alone, by a reload: its effect is not there before and is
// there after, or the reload logs and counts that the setting needs a
// restart. A setting added to Config without a row here fails the test.
func TestEverySettingAppliesOnReloadOrSaysItNeedsARestart(t *testing.T) {
	rows := settingRows(t)
	paths := settingPaths()
	for _, path := range paths {
		if _, ok := rows[path]; !ok {
			t.Errorf("setting %s has no row: say how a reload applies it", path)
		}
	}
	for path := range rows {
		if !slices.Contains(paths, path) {
			t.Errorf("row %s names no setting of the config", path)
		}
	}
	for _, path := range paths {
		row, ok := rows[path]
		if !ok {
			continue
		}
		t.Run(path, func(t *testing.T) {
			h := newReloadHarness(t)
			if row.base != nil {
				row.base(h)
			}
			h.start()
			if err := row.observe(h); err == nil {
				t.Fatal("the new value is in effect before the reload: the observation proves nothing")
			}
			h.set(path, row.value(h))
			h.writeConfig()
			if err := h.d.Reload(); err != nil {
				t.Fatalf("reload: %v", err)
			}
			if !strings.Contains(h.metrics(), "burnwatch_config_last_reload_successful 1") {
				t.Error("the reload is not reported successful")
			}
			if err := row.observe(h); err != nil {
				t.Errorf("after the reload: %v", err)
			}
		})
	}
}
