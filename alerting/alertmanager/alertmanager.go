package alertmanager

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/transport"
	"github.com/burnwatch/burnwatch/internal/secret"
)

// AlertsPath is the API v2 endpoint alerts are posted to, under each
// peer's base URL.
const AlertsPath = "/api/v2/alerts"

// Receiver posts notifications to the peers of an Alertmanager cluster.
// It implements alerting.Receiver and is safe for concurrent use.
type Receiver struct {
	*transport.Sender
	cfg Config
}

var _ alerting.Receiver = (*Receiver)(nil)

// New returns an Alertmanager receiver called name, or an error when cfg
// is not valid.
func New(name string, cfg Config, opts transport.Options) (*Receiver, error) {
	sender, err := transport.NewSender("alertmanager", name, opts, cfg.secrets()...)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, sender.Wrap(err)
	}
	return &Receiver{Sender: sender, cfg: cfg.withDefaults()}, nil
}

// ResendInterval is how often the daemon should send a firing alert again
// so that Alertmanager keeps it active; it expires after four intervals
// without one.
func (r *Receiver) ResendInterval() time.Duration { return time.Duration(r.cfg.ResendInterval) }

// Notify posts n as one alert to every peer at once. It succeeds when at
// least one peer answers 2xx (Alertmanager answers 200); otherwise it is
// retryable when one of the failures is (a 5xx, a 429, a timeout, a peer
// that is down), and final when every peer refused the alert (a 400).
func (r *Receiver) Notify(ctx context.Context, n *alerting.Notification) (retryable bool, err error) {
	body, err := Body(r.cfg, n, r.Now())
	if err != nil {
		return false, r.Wrap(err)
	}
	header := r.auth()
	type result struct {
		retryable bool
		err       error
	}
	results := make([]result, len(r.cfg.URLs))
	var wg sync.WaitGroup
	for i, base := range r.cfg.URLs {
		wg.Go(func() {
			retryable, err := r.Post(ctx, transport.Request{
				URL:      strings.TrimSuffix(base, "/") + AlertsPath,
				Endpoint: "alertmanager " + host(base),
				Header:   header,
				Body:     body,
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
			r.Logger().Warn("alertmanager peer did not accept the alert; another did",
				"receiver", r.Name(), "notification", n.ID, "err", err)
		}
		return false, nil
	case len(failed) == 1:
		return retryable, r.Wrap(failed[0])
	}
	return retryable, r.Errorf("no peer accepted the alert: %w", failed)
}

// auth returns the authentication header.
func (r *Receiver) auth() http.Header {
	h := http.Header{}
	switch {
	case r.cfg.BasicAuth != nil:
		h.Set("Authorization", "Basic "+secret.BasicAuth(r.cfg.BasicAuth.Username, r.cfg.BasicAuth.Password.Value()))
	case r.cfg.BearerToken.Value() != "":
		h.Set("Authorization", "Bearer "+r.cfg.BearerToken.Value())
	}
	return h
}

// Body returns the JSON array of one alert that Notify posts for n at
// now, with cfg's defaults applied.
func Body(cfg Config, n *alerting.Notification, now time.Time) ([]byte, error) {
	body, err := transport.JSON([]postableAlert{newAlert(cfg.withDefaults(), n, now)})
	if err != nil {
		return nil, fmt.Errorf("encode alert for notification %s: %w", n.ID, err)
	}
	return body, nil
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
