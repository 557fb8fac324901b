package transport

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/burnwatch/burnwatch/internal/secret"
)

// DefaultTimeout bounds one delivery when Options.Client is nil.
const DefaultTimeout = 10 * time.Second

// Options are a receiver's collaborators; the zero value is ready to use.
type Options struct {
	// Client sends the requests; nil means a client with DefaultTimeout.
	Client *http.Client
	// Now is the clock for timestamps in bodies and signatures and for
	// Retry-After dates; nil means time.Now.
	Now func() time.Time
	// Logger reports what a receiver does not return as an error (an
	// Alertmanager peer that failed while another accepted the alert);
	// nil means slog.Default().
	Logger *slog.Logger
}

// Sender is the part every receiver shares: its kind and name, the HTTP
// client, the clock, the logger, and a Redactor of the receiver's own
// secrets. A receiver embeds it, which gives it Name. Every error the
// Sender returns names the receiver and has those secrets removed.
type Sender struct {
	kind, name string
	client     *http.Client
	now        func() time.Time
	log        *slog.Logger
	redactor   *secret.Redactor
}

// NewSender returns the Sender of the receiver of kind ("slack") called
// name. secrets are the values its errors must never show: URLs that
// carry tokens (see URLSecrets), keys, passwords and their header forms.
func NewSender(kind, name string, opts Options, secrets ...string) (*Sender, error) {
	if name == "" {
		return nil, errors.New(kind + " receiver: name is required")
	}
	s := &Sender{kind: kind, name: name, client: opts.Client, now: opts.Now, log: opts.Logger, redactor: secret.NewRedactor(secrets...)}
	if s.client == nil {
		s.client = &http.Client{Timeout: DefaultTimeout}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}

// Name identifies the receiver in logs, metrics and routes.
func (s *Sender) Name() string { return s.name }

// Now returns the receiver's clock reading.
func (s *Sender) Now() time.Time { return s.now() }

// Logger returns the receiver's logger.
func (s *Sender) Logger() *slog.Logger { return s.log }

// Redact removes the receiver's secrets from text.
func (s *Sender) Redact(text string) string { return s.redactor.Redact(text) }

// Wrap returns err prefixed with the receiver's kind and name, its
// receiver's secrets removed; nil stays nil. The cause stays reachable
// with errors.Is and errors.As.
func (s *Sender) Wrap(err error) error {
	if err == nil {
		return nil
	}
	return s.redact(fmt.Errorf("%s receiver %q: %w", s.kind, s.name, err))
}

// Errorf formats an error the way Wrap does.
func (s *Sender) Errorf(format string, args ...any) error {
	return s.Wrap(fmt.Errorf(format, args...))
}

// redact returns err with the receiver's secrets removed from its message.
func (s *Sender) redact(err error) error {
	msg := err.Error()
	if clean := s.redactor.Redact(msg); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}

// redactedError is an error whose message had secrets removed; the
// original stays reachable for errors.As (a RetryAfterError), never for
// its text.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
