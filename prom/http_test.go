package prom_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
)

// at is the evaluation time of every query in these tests.
var at = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// newHTTP builds a querier for f with fast retries and no logging.
func newHTTP(t *testing.T, f *fakeProm, opts prom.HTTPOptions) *prom.HTTP {
	t.Helper()
	opts.URL = f.URL
	opts.RetryBackoff = time.Millisecond
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	h, err := prom.NewHTTP(opts)
	if err != nil {
		t.Fatalf("NewHTTP: %v", err)
	}
	return h
}

func TestHTTPQuery(t *testing.T) {
	const expr = "sum(rate(x[5m]))"
	tests := []struct {
		name    string
		opts    prom.HTTPOptions
		replies []reply
		// want is the vector as model.Vector prints it, when there is no error.
		want string
		// wantErr is the whole error, with the server's address as SERVER.
		wantErr   string
		wantStats prom.QueryStats
	}{
		{
			name:      "A vector answer is returned as it is.",
			replies:   []reply{{status: 200, body: vectorBody}},
			want:      `{job="api"} => 0.5 @[1767323045]`,
			wantStats: prom.QueryStats{Queries: 1},
		},
		{
			name:      "A scalar answer becomes a vector of one sample with no labels.",
			replies:   []reply{{status: 200, body: scalarBody}},
			want:      `{} => 2 @[1767323045]`,
			wantStats: prom.QueryStats{Queries: 1},
		},
		{
			name:      "A 503 then a 200 is retried and succeeds.",
			replies:   []reply{{status: 503, body: unavail}, {status: 200, body: vectorBody}},
			want:      `{job="api"} => 0.5 @[1767323045]`,
			wantStats: prom.QueryStats{Queries: 1, Retries: 1},
		},
		{
			name:      "A 429 is retried like a server error.",
			replies:   []reply{{status: 429, body: "slow down"}, {status: 200, body: vectorBody}},
			want:      `{job="api"} => 0.5 @[1767323045]`,
			wantStats: prom.QueryStats{Queries: 1, Retries: 1},
		},
		{
			name:      "A 400 bad_data is not retried and the error names the query.",
			replies:   []reply{{status: 400, body: badData}},
			wantErr:   `query "sum(rate(x[5m]))" at 2026-01-02T03:04:05Z: bad_data: 1:15: parse error: unexpected "]"`,
			wantStats: prom.QueryStats{Queries: 1, Errors: 1},
		},
		{
			name:      "A 422 execution error is not retried.",
			replies:   []reply{{status: 422, body: execBody}},
			wantErr:   `query "sum(rate(x[5m]))" at 2026-01-02T03:04:05Z: execution: many-to-many matching not allowed`,
			wantStats: prom.QueryStats{Queries: 1, Errors: 1},
		},
		{
			name:      "Server errors that persist give up after the retries and say so.",
			replies:   []reply{{status: 502, body: "<html>bad gateway</html>"}},
			wantErr:   `query "sum(rate(x[5m]))" at 2026-01-02T03:04:05Z: gave up after 3 attempts: 502 Bad Gateway: <html>bad gateway</html>`,
			wantStats: prom.QueryStats{Queries: 1, Errors: 1, Retries: 2},
		},
		{
			name:      "Timeouts are retried, then fail with an error that says it timed out.",
			opts:      prom.HTTPOptions{Timeout: 50 * time.Millisecond},
			replies:   []reply{{status: 200, body: vectorBody, delay: time.Minute}},
			wantErr:   `query "sum(rate(x[5m]))" at 2026-01-02T03:04:05Z: gave up after 3 attempts: timed out after 50ms: Post "SERVER/api/v1/query": context deadline exceeded`,
			wantStats: prom.QueryStats{Queries: 1, Errors: 1, Retries: 2},
		},
		{
			name:      "A negative retry count turns retries off.",
			opts:      prom.HTTPOptions{Retries: -1},
			replies:   []reply{{status: 503, body: unavail}},
			wantErr:   `query "sum(rate(x[5m]))" at 2026-01-02T03:04:05Z: 503 Service Unavailable: unavailable: not ready`,
			wantStats: prom.QueryStats{Queries: 1, Errors: 1},
		},
		{
			name:      "A matrix answer to an instant query is an error naming the type.",
			replies:   []reply{{status: 200, body: matrixBody}},
			wantErr:   `query "sum(rate(x[5m]))" at 2026-01-02T03:04:05Z: instant query returned a matrix, want a vector or scalar`,
			wantStats: prom.QueryStats{Queries: 1, Errors: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeProm(t, tt.replies...)
			h := newHTTP(t, f, tt.opts)

			got, err := h.Query(context.Background(), expr, at)

			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Query returned %v and no error, want error %q", got, tt.wantErr)
				}
				if msg := strings.ReplaceAll(err.Error(), f.URL, "SERVER"); msg != tt.wantErr {
					t.Errorf("error:\n got %s\nwant %s", msg, tt.wantErr)
				}
			} else {
				if err != nil {
					t.Fatalf("Query: %v", err)
				}
				if got.String() != tt.want {
					t.Errorf("vector: got %s, want %s", got, tt.want)
				}
			}
			if got, want := f.hits(), int(1+tt.wantStats.Retries); got != want {
				t.Errorf("requests: got %d, want %d", got, want)
			}
			if got := h.Stats(); got != tt.wantStats {
				t.Errorf("stats: got %+v, want %+v", got, tt.wantStats)
			}
		})
	}
}

func TestHTTPSendsCredentialsAndHeaders(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte("s3cret-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	passwordFile := filepath.Join(dir, "password")
	if err := os.WriteFile(passwordFile, []byte("hunter2"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BURNWATCH_TEST_TOKEN", "env-token")
	t.Setenv("BURNWATCH_TEST_PASSWORD", "env-password")

	tests := []struct {
		name string
		opts prom.HTTPOptions
		// wantHeaders must all be present with these values.
		wantHeaders map[string]string
		// wantBasic is "user:password" when basic auth is expected.
		wantBasic string
	}{
		{
			name: "Headers and a bearer token from a file are sent.",
			opts: prom.HTTPOptions{
				Headers:         map[string]string{"X-Scope-OrgID": "team-a"},
				BearerTokenFile: tokenFile,
			},
			wantHeaders: map[string]string{"X-Scope-Orgid": "team-a", "Authorization": "Bearer s3cret-token"},
		},
		{
			name:        "A bearer token from an environment variable is sent.",
			opts:        prom.HTTPOptions{BearerTokenEnv: "BURNWATCH_TEST_TOKEN"},
			wantHeaders: map[string]string{"Authorization": "Bearer env-token"},
		},
		{
			name:      "Basic auth with a password file is sent.",
			opts:      prom.HTTPOptions{BasicAuth: prom.BasicAuth{Username: "burnwatch", PasswordFile: passwordFile}},
			wantBasic: "burnwatch:hunter2",
		},
		{
			name:      "Basic auth with a password from an environment variable is sent.",
			opts:      prom.HTTPOptions{BasicAuth: prom.BasicAuth{Username: "burnwatch", PasswordEnv: "BURNWATCH_TEST_PASSWORD"}},
			wantBasic: "burnwatch:env-password",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeProm(t, reply{status: 200, body: vectorBody})
			h := newHTTP(t, f, tt.opts)
			if _, err := h.Query(context.Background(), "up", at); err != nil {
				t.Fatalf("Query: %v", err)
			}
			r := f.request(0)
			for name, want := range tt.wantHeaders {
				if got := r.Header.Get(name); got != want {
					t.Errorf("header %s: got %q, want %q", name, got, want)
				}
			}
			if tt.wantBasic != "" {
				user, password, ok := r.BasicAuth()
				if got := user + ":" + password; !ok || got != tt.wantBasic {
					t.Errorf("basic auth: got %q (ok %v), want %q", got, ok, tt.wantBasic)
				}
			}
			if got, want := r.Form.Get("query"), "up"; got != want {
				t.Errorf("query parameter: got %q, want %q", got, want)
			}
			if got, want := r.Form.Get("time"), "1767323045"; got != want {
				t.Errorf("time parameter: got %q, want %q", got, want)
			}
		})
	}
}

func TestNewHTTPRejectsBadOptions(t *testing.T) {
	t.Setenv("BURNWATCH_TEST_EMPTY", "")
	tests := []struct {
		name    string
		opts    prom.HTTPOptions
		wantErr string
	}{
		{
			name:    "An empty URL is rejected.",
			opts:    prom.HTTPOptions{},
			wantErr: "new HTTP querier: URL is empty",
		},
		{
			name:    "A URL without a scheme is rejected, without its password.",
			opts:    prom.HTTPOptions{URL: "//user:pw@prometheus:9090"},
			wantErr: `new HTTP querier: URL "//user:xxxxx@prometheus:9090": want http:// or https:// and a host`,
		},
		{
			name:    "A bearer token and basic auth together are rejected.",
			opts:    prom.HTTPOptions{URL: "http://p", BearerTokenEnv: "X", BasicAuth: prom.BasicAuth{Username: "u"}},
			wantErr: "new HTTP querier for http://p: both a bearer token and basic auth are set; choose one",
		},
		{
			name:    "A missing token file is reported at once.",
			opts:    prom.HTTPOptions{URL: "http://p", BearerTokenFile: "/nonexistent/token"},
			wantErr: "new HTTP querier for http://p: secret file: open /nonexistent/token: no such file or directory",
		},
		{
			name:    "An unset token variable is reported at once.",
			opts:    prom.HTTPOptions{URL: "http://p", BearerTokenEnv: "BURNWATCH_TEST_EMPTY"},
			wantErr: "new HTTP querier for http://p: environment variable BURNWATCH_TEST_EMPTY is not set",
		},
		{
			name:    "A reserved header is rejected.",
			opts:    prom.HTTPOptions{URL: "http://p", Headers: map[string]string{"authorization": "Bearer x"}},
			wantErr: `new HTTP querier for http://p: setting header "Authorization" is not allowed`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := prom.NewHTTP(tt.opts)
			if err == nil {
				t.Fatalf("NewHTTP returned no error, want %q", tt.wantErr)
			}
			if err.Error() != tt.wantErr {
				t.Errorf("error:\n got %s\nwant %s", err, tt.wantErr)
			}
		})
	}
}

func TestHTTPNeverPutsSecretsInErrors(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("s3cret-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	f := newFakeProm(t, reply{status: 503, body: unavail}, reply{status: 400, body: badData})
	h := newHTTP(t, f, prom.HTTPOptions{
		BearerTokenFile: tokenFile,
		Logger:          slog.New(slog.NewTextHandler(&logs, nil)),
	})
	_, err := h.Query(context.Background(), "up", at)
	if err == nil {
		t.Fatal("Query returned no error, want bad_data")
	}
	for what, text := range map[string]string{"error": err.Error(), "logs": logs.String()} {
		if strings.Contains(text, "s3cret") {
			t.Errorf("%s hold the token: %s", what, text)
		}
	}
}

func TestHTTPLogsWarnings(t *testing.T) {
	var logs bytes.Buffer
	f := newFakeProm(t, reply{status: 200, body: warnBody})
	h := newHTTP(t, f, prom.HTTPOptions{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	vec, err := h.Query(context.Background(), "up", at)
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	if len(vec) != 0 {
		t.Errorf("vector: got %v, want empty", vec)
	}
	if want := `warnings="[results may be partial]"`; !strings.Contains(logs.String(), want) {
		t.Errorf("logs %q do not hold %s", logs.String(), want)
	}
}

func TestHTTPRetriesRefusedConnections(t *testing.T) {
	f := newFakeProm(t, reply{status: 200, body: vectorBody})
	h := newHTTP(t, f, prom.HTTPOptions{})
	f.Close()
	_, err := h.Query(context.Background(), "up", at)
	if err == nil {
		t.Fatal("Query returned no error, want connection refused")
	}
	if want := "gave up after 3 attempts"; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error %q does not say %q and connection refused", err, want)
	}
	if got, want := h.Stats(), (prom.QueryStats{Queries: 1, Errors: 1, Retries: 2}); got != want {
		t.Errorf("stats: got %+v, want %+v", got, want)
	}
}

func TestHTTPStopsRetryingWhenTheContextEnds(t *testing.T) {
	f := newFakeProm(t, reply{status: 503, body: unavail})
	opts := prom.HTTPOptions{URL: f.URL, RetryBackoff: time.Hour, Logger: slog.New(slog.DiscardHandler)}
	h, err := prom.NewHTTP(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = h.Query(ctx, "up", at)
	if err == nil {
		t.Fatal("Query returned no error, want context deadline exceeded")
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Query took %s, want it to stop with the context", elapsed)
	}
	want := `query "up" at 2026-01-02T03:04:05Z: context deadline exceeded while waiting to retry after 1 attempts: 503 Service Unavailable: unavailable: not ready`
	if err.Error() != want {
		t.Errorf("error:\n got %s\nwant %s", err, want)
	}
}

func TestHTTPQueryRange(t *testing.T) {
	f := newFakeProm(t, reply{status: 200, body: matrixBody})
	h := newHTTP(t, f, prom.HTTPOptions{})
	r := burnrate.Range{Start: at, End: at.Add(time.Minute), Step: time.Minute}
	got, err := h.QueryRange(context.Background(), "x", r)
	if err != nil {
		t.Fatalf("QueryRange: %v", err)
	}
	if want := "{job=\"api\"} =>\n0.5 @[1767323045]\n0.75 @[1767323105]"; got.String() != want {
		t.Errorf("matrix:\n got %s\nwant %s", got, want)
	}
	req := f.request(0)
	for param, want := range map[string]string{"start": "1767323045", "end": "1767323105", "step": "60"} {
		if got := req.Form.Get(param); got != want {
			t.Errorf("%s parameter: got %q, want %q", param, got, want)
		}
	}
}

func TestHTTPQueryExemplars(t *testing.T) {
	f := newFakeProm(t, reply{status: 200, body: exemplars})
	h := newHTTP(t, f, prom.HTTPOptions{})
	got, err := h.QueryExemplars(context.Background(), `latency_bucket{le="0.5"}`, at.Add(-time.Hour), at)
	if err != nil {
		t.Fatalf("QueryExemplars: %v", err)
	}
	if len(got) != 1 || len(got[0].Exemplars) != 1 {
		t.Fatalf("exemplars: got %+v, want one series with one exemplar", got)
	}
	e := got[0].Exemplars[0]
	if e.Labels["trace_id"] != "abc" || e.Value != 0.42 || e.Timestamp.Unix() != 1767323045 {
		t.Errorf("exemplar: got %+v, want trace_id abc, 0.42 at 1767323045", e)
	}
	if got, want := got[0].SeriesLabels["le"], "0.5"; string(got) != want {
		t.Errorf("series le: got %q, want %q", got, want)
	}
}
