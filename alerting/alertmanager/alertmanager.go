package alertmanager

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/webhook"
)

// AlertsPath is the API v2 endpoint alerts are posted to, under each
// peer's base URL.
const AlertsPath = "/api/v2/alerts"

// DefaultTimeout bounds one delivery when Options.Client is nil.
const DefaultTimeout = 10 * time.Second

// Options are a receiver's collaborators; the zero value is ready to use.
type Options struct {
	// Client sends the requests; nil means a client with DefaultTimeout.
	Client *http.Client
	// Now is the clock for startsAt, endsAt and Retry-After dates; nil
	// means time.Now.
	Now func() time.Time
	// Logger reports peers that failed while another accepted the alert;
	// nil means slog.Default().
	Logger *slog.Logger
}

// Receiver posts notifications to the peers of an Alertmanager cluster.
// It implements alerting.Receiver and is safe for concurrent use.
type Receiver struct {
	name   string
	cfg    Config
	client *http.Client
	now    func() time.Time
	log    *slog.Logger
}

var _ alerting.Receiver = (*Receiver)(nil)

// New returns an Alertmanager receiver called name, or an error when cfg
// is not valid.
func New(name string, cfg Config, opts Options) (*Receiver, error) {
	if name == "" {
		return nil, errors.New("alertmanager receiver: name is required")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("alertmanager receiver %q: %w", name, err)
	}
	r := &Receiver{name: name, cfg: cfg.withDefaults(), client: opts.Client, now: opts.Now, log: opts.Logger}
	if r.client == nil {
		r.client = &http.Client{Timeout: DefaultTimeout}
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	return r, nil
}

// Name returns the receiver's name.
func (r *Receiver) Name() string { return r.name }

// ResendInterval is how often the daemon should send a firing alert again
// so that Alertmanager keeps it active; it expires after four intervals
// without one.
func (r *Receiver) ResendInterval() time.Duration { return r.cfg.ResendInterval }

// Notify posts n as one alert to every peer at once. It succeeds when at
// least one peer answers 2xx (Alertmanager answers 200); otherwise it is
// retryable when one of the failures is (a 5xx, a 429, a timeout, a peer
// that is down), and final when every peer refused the alert (a 400).
func (r *Receiver) Notify(ctx context.Context, n *alerting.Notification) (retryable bool, err error) {
	body, err := Body(r.cfg, n, r.now())
	if err != nil {
		return false, fmt.Errorf("alertmanager receiver %q: %w", r.name, err)
	}
	header, secrets := r.auth()
	type result struct {
		retryable bool
		err       error
	}
	results := make([]result, len(r.cfg.URLs))
	var wg sync.WaitGroup
	for i, base := range r.cfg.URLs {
		wg.Go(func() {
			retryable, err := webhook.Post(ctx, r.client, webhook.Request{
				URL:      strings.TrimSuffix(base, "/") + AlertsPath,
				Endpoint: "alertmanager " + host(base),
				Header:   header,
				Body:     body,
				Secrets:  secrets,
				Now:      r.now,
			})
			results[i] = result{retryable, err}
		})
	}
	wg.Wait()

	var failed peerErrors
	for _, res := range results {
		if res.err != nil {
			failed = append(failed, res.err)
			retryable = retryable || res.retryable
		}
	}
	switch {
	case len(failed) == 0:
		return false, nil
	case len(failed) < len(results):
		for _, err := range failed {
			r.log.Warn("alertmanager peer did not accept the alert; another did",
				"receiver", r.name, "notification", n.ID, "err", err)
		}
		return false, nil
	case len(failed) == 1:
		return retryable, fmt.Errorf("alertmanager receiver %q: %w", r.name, failed[0])
	}
	return retryable, fmt.Errorf("alertmanager receiver %q: no peer accepted the alert: %w", r.name, failed)
}

// auth returns the authentication header and the secrets in it.
func (r *Receiver) auth() (http.Header, []string) {
	h := http.Header{}
	switch {
	case r.cfg.BasicAuth != nil:
		ba := r.cfg.BasicAuth
		token := base64.StdEncoding.EncodeToString([]byte(ba.Username + ":" + ba.Password))
		h.Set("Authorization", "Basic "+token)
		return h, []string{ba.Password, token}
	case r.cfg.BearerToken != "":
		h.Set("Authorization", "Bearer "+r.cfg.BearerToken)
		return h, []string{r.cfg.BearerToken}
	}
	return h, nil
}

// Body returns the JSON array of one alert that Notify posts for n at
// now, with cfg's defaults applied.
func Body(cfg Config, n *alerting.Notification, now time.Time) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode([]postableAlert{newAlert(cfg.withDefaults(), n, now)}); err != nil {
		return nil, fmt.Errorf("encode alert for notification %s: %w", n.ID, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// host names a peer in errors and logs without its path.
func host(base string) string {
	if u, err := url.Parse(base); err == nil {
		return u.Host
	}
	return "?"
}

// peerErrors are the failures of every peer of a cluster.
type peerErrors []error

func (e peerErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (e peerErrors) Unwrap() []error { return e }
