// Package logtest records what code under test logs, for tests that check
// what is logged, at which level and with which attributes.
package logtest

import (
	"context"
	"log/slog"
	"sync"
)

// Recorder is a slog.Handler that keeps every record; safe for concurrent
// use.
type Recorder struct {
	mu      sync.Mutex
	records []slog.Record
}

// Enabled reports that every level is recorded.
func (h *Recorder) Enabled(context.Context, slog.Level) bool { return true }

// Handle keeps a copy of r.
func (h *Recorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

// WithAttrs returns h: attributes added to a logger are not recorded.
func (h *Recorder) WithAttrs([]slog.Attr) slog.Handler { return h }

// WithGroup returns h.
func (h *Recorder) WithGroup(string) slog.Handler { return h }

// Records returns the records kept so far.
func (h *Recorder) Records() []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]slog.Record(nil), h.records...)
}

// At lists the messages logged at level.
func (h *Recorder) At(level slog.Level) []string {
	var out []string
	for _, r := range h.Records() {
		if r.Level == level {
			out = append(out, r.Message)
		}
	}
	return out
}

// Attr returns the value of a record's attribute key as a string, and
// whether it has one.
func Attr(r slog.Record, key string) (string, bool) {
	var v string
	found := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			v, found = a.Value.String(), true
			return false
		}
		return true
	})
	return v, found
}
