package daemon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/burnwatch/burnwatch/internal/secret"
)

// The heartbeat is a dead man's switch: after each successful evaluation
// cycle burnwatch calls a URL outside it (a Healthchecks.io check, a Dead
// Man's Snitch, an Opsgenie heartbeat, an Alertmanager "Watchdog"
// receiver), at most once per interval, and that service alerts when the
// calls stop. A burnwatch that died, hangs, or is blind because every
// query fails then gets noticed by something that does not depend on it.
//
// A call never holds a cycle back: it runs on its own goroutine with its
// own timeout, and one call at a time; a cycle that finds one still running
// skips its turn. Failures are logged and counted in
// burnwatch_heartbeat_failures_total.

// HeartbeatConfig is the heartbeat setting. The URL is a secret (its path
// or query usually is the check's credential): give {file: path} or
// {env: NAME}.
type HeartbeatConfig struct {
	URL secret.Secret `yaml:"url"`
	// Method is GET (the default) or POST.
	Method string `yaml:"method"`
	// Interval is the least time between two calls (default 1m).
	Interval Duration `yaml:"interval"`
	// Timeout bounds one call (default 10s).
	Timeout Duration `yaml:"timeout"`
}

const (
	defaultHeartbeatInterval = time.Minute
	defaultHeartbeatTimeout  = 10 * time.Second
)

// enabled says whether a heartbeat is configured.
func (h HeartbeatConfig) enabled() bool { return h.URL.Set() }

func (h HeartbeatConfig) method() string {
	if h.Method == "" {
		return http.MethodGet
	}
	return h.Method
}

func (h HeartbeatConfig) interval() time.Duration {
	if h.Interval <= 0 {
		return defaultHeartbeatInterval
	}
	return time.Duration(h.Interval)
}

func (h HeartbeatConfig) timeout() time.Duration {
	if h.Timeout <= 0 {
		return defaultHeartbeatTimeout
	}
	return time.Duration(h.Timeout)
}

// validate checks the heartbeat setting and resolves its URL; fail reports
// a problem at a setting's path.
func (h *HeartbeatConfig) validate(dir string, fail func(path, format string, args ...any)) {
	if !h.enabled() {
		if h.Method != "" || h.Interval != 0 || h.Timeout != 0 {
			fail("heartbeat.url", "the heartbeat has settings but no url")
		}
		return
	}
	if err := h.URL.Resolve(dir); err != nil {
		fail("heartbeat.url", "%v", err)
	} else if u, err := url.Parse(h.URL.Value()); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The value is a secret: the message does not repeat it.
		fail("heartbeat.url", "is not an absolute http or https URL")
	}
	if m := h.Method; m != "" && m != http.MethodGet && m != http.MethodPost {
		fail("heartbeat.method", "%q is neither GET nor POST", m)
	}
	if h.Interval < 0 {
		fail("heartbeat.interval", "%s is negative", time.Duration(h.Interval))
	}
	if h.Timeout < 0 {
		fail("heartbeat.timeout", "%s is negative", time.Duration(h.Timeout))
	}
}

// heartbeat sends the calls: one at a time, at most one per interval.
type heartbeat struct {
	client   *http.Client
	failures prometheus.Counter
	sent     prometheus.Counter
	lastOK   prometheus.Gauge

	mu       sync.Mutex
	last     time.Time // when the last call started
	inFlight bool
	wg       sync.WaitGroup
}

func newHeartbeat(reg prometheus.Registerer) *heartbeat {
	h := &heartbeat{
		client: &http.Client{
			// A redirect would carry the secret URL's credential to
			// wherever it points; a heartbeat service answers directly.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "burnwatch_heartbeats_total", Help: "Heartbeat calls made after successful evaluation cycles.",
		}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "burnwatch_heartbeat_failures_total", Help: "Heartbeat calls that failed: no answer in time, or an answer other than 2xx.",
		}),
		lastOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "burnwatch_heartbeat_last_success_timestamp_seconds", Help: "When a heartbeat call last succeeded.",
		}),
	}
	reg.MustRegister(h.sent, h.failures, h.lastOK)
	return h
}

// beat calls the configured URL unless a call is running or the last one
// started less than an interval ago. It returns at once.
func (d *Daemon) beat(ctx context.Context) {
	d.mu.Lock()
	cfg := d.cfg.Heartbeat
	d.mu.Unlock()
	if !cfg.enabled() {
		return
	}
	h := d.heartbeat
	now := time.Now()
	h.mu.Lock()
	if h.inFlight || (!h.last.IsZero() && now.Sub(h.last) < cfg.interval()) {
		h.mu.Unlock()
		return
	}
	h.inFlight, h.last = true, now
	h.wg.Add(1)
	h.mu.Unlock()
	// The call outlives the cycle, not the daemon.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.timeout())
	go func() {
		defer h.wg.Done()
		defer cancel()
		err := h.call(ctx, cfg)
		h.mu.Lock()
		h.inFlight = false
		h.mu.Unlock()
		h.sent.Inc()
		if err != nil {
			h.failures.Inc()
			d.log.Warn("heartbeat failed", "err", err, "timeout", cfg.timeout())
			return
		}
		h.lastOK.SetToCurrentTime()
	}()
}

// call makes one heartbeat call. Its error never holds the URL, which is a
// secret.
func (h *heartbeat) call(ctx context.Context, cfg HeartbeatConfig) error {
	req, err := http.NewRequestWithContext(ctx, cfg.method(), cfg.URL.Value(), http.NoBody)
	if err != nil {
		return errors.New("heartbeat: the url does not make a request")
	}
	req.Header.Set("User-Agent", "burnwatch")
	resp, err := h.client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("heartbeat %s: %w", cfg.method(), err)
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("heartbeat %s: answered %s", cfg.method(), resp.Status)
	}
	return nil
}

// wait returns when no heartbeat call is running.
func (h *heartbeat) wait() { h.wg.Wait() }
