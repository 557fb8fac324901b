package prom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
)

// retry runs call until it succeeds, fails for good, or runs out of
// retries. Each attempt gets its own timeout; between attempts it waits with
// exponential backoff, and gives up at once when ctx ends.
func (h *HTTP) retry(ctx context.Context, expr string, call func(context.Context) error) error {
	wait := h.opts.RetryBackoff
	for attempt := 1; ; attempt++ {
		err := h.attempt(ctx, call)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || !retryable(err) || attempt > h.opts.Retries {
			if attempt > 1 {
				return fmt.Errorf("gave up after %d attempts: %w", attempt, err)
			}
			return err
		}
		h.counters.retries.Add(1)
		h.opts.Logger.Warn("retrying query", "query", expr, "attempt", attempt+1, "wait", wait, "err", err)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("%w while waiting to retry after %d attempts: %w", ctx.Err(), attempt, err)
		case <-timer.C:
		}
		wait = min(2*wait, maxRetryBackoff)
	}
}

// attempt runs call once under the per-query timeout, and says so when that
// timeout is what ended it.
func (h *HTTP) attempt(ctx context.Context, call func(context.Context) error) error {
	actx, cancel := context.WithTimeout(ctx, h.opts.Timeout)
	defer cancel()
	err := call(actx)
	if err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("timed out after %s: %w", h.opts.Timeout, err)
	}
	return err
}

// retryable reports whether err is worth another attempt: throttling,
// server failures, timeouts and broken connections are; errors in the query
// itself (bad_data, execution) and other client errors are not.
func retryable(err error) bool {
	var statusErr *statusError
	var opErr *net.OpError
	var urlErr *url.Error
	var apiErr *v1.Error
	switch {
	case errors.As(err, &statusErr):
		return true
	case errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &opErr):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &urlErr):
		return urlErr.Timeout()
	case errors.As(err, &apiErr):
		return apiErr.Type == v1.ErrServer || apiErr.Type == v1.ErrTimeout
	}
	return false
}

// statusClient wraps the API client so that throttling (429) and server
// failures (5xx) come back as a *statusError carrying the status code. The
// v1 client otherwise folds a 429 into a generic client error, which could
// not be told apart from a 4xx that must not be retried.
type statusClient struct {
	api.Client
}

// Do sends req and turns 429 and 5xx answers into a *statusError.
func (c statusClient) Do(ctx context.Context, req *http.Request) (*http.Response, []byte, error) {
	resp, body, err := c.Client.Do(ctx, req)
	if err != nil || resp == nil {
		return resp, body, err
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return resp, body, newStatusError(resp.StatusCode, body)
	}
	return resp, body, nil
}

// statusError is a 429 or 5xx answer, with the server's own error type and
// message when the body is a Prometheus API error.
type statusError struct {
	Code int
	Type string
	Msg  string
}

// maxErrorBody bounds how much of a non-API error body goes into an error.
const maxErrorBody = 256

// newStatusError builds a statusError from a status code and its body.
func newStatusError(code int, body []byte) *statusError {
	var apiBody struct {
		ErrorType string `json:"errorType"`
		Error     string `json:"error"`
	}
	if json.Unmarshal(body, &apiBody) == nil && apiBody.Error != "" {
		return &statusError{Code: code, Type: apiBody.ErrorType, Msg: apiBody.Error}
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > maxErrorBody {
		cut := maxErrorBody
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return &statusError{Code: code, Msg: msg}
}

// Error reads like "503 Service Unavailable: timeout: query timed out".
func (e *statusError) Error() string {
	s := fmt.Sprintf("%d %s", e.Code, http.StatusText(e.Code))
	if e.Type != "" {
		s += ": " + e.Type
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	return s
}
