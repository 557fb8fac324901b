package transport_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/burnwatch/burnwatch/alerting/transport"
)

func TestURLSecretsHideTokensButNotWords(t *testing.T) {
	raw := "https://user:pa55word-very-secret@hooks.example.com/services/T0001/B0001/abcdefghijklmnopqrstuvwx?key=0123456789abcdefXYZ"
	s, err := transport.NewSender("test", "r", transport.Options{}, transport.URLSecrets(raw)...)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Redact("echo " + raw + " pa55word-very-secret abcdefghijklmnopqrstuvwx 0123456789abcdefXYZ services T0001 " +
		"Basic dXNlcjpwYTU1d29yZC12ZXJ5LXNlY3JldA==")
	want := "echo <redacted> <redacted> <redacted> <redacted> services T0001 Basic <redacted>"
	if got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
}

func TestHeaderSecretsHideTheTokenOfABearerHeader(t *testing.T) {
	s, err := transport.NewSender("test", "r", transport.Options{}, transport.HeaderSecrets("Bearer api-key-51d0c3e9b7a2")...)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Redact("Authorization: Bearer api-key-51d0c3e9b7a2; token api-key-51d0c3e9b7a2"), "Authorization: <redacted>; token <redacted>"; got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
}

func TestPost(t *testing.T) {
	const key = "k3y-0123456789abcdef"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("User-Agent") != "burnwatch" {
			w.WriteHeader(http.StatusUnsupportedMediaType)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(body) // echoes the key
	}))
	defer srv.Close()
	s, err := transport.NewSender("test", "r", transport.Options{}, key)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		req           transport.Request
		wantRetryable bool
		wantErr       string
	}{
		{"A final answer quotes the body without the secret.", transport.Request{URL: srv.URL, Endpoint: "events API", Body: []byte(`{"key":"` + key + `"}`)},
			false, `POST events API: 400 Bad Request: {"key":"<redacted>"}`},
		{"A body over the limit is final and not sent.", transport.Request{URL: srv.URL, Endpoint: "events API", Body: []byte("0123456789"), MaxBody: 9},
			false, "POST events API: a body of 10 bytes is over the endpoint's limit of 9 bytes"},
		{"A URL that does not parse is final and not quoted.", transport.Request{URL: "http://127.0.0.1:1/%zz" + key, Endpoint: "webhook"},
			false, `POST webhook: build request: invalid URL escape "%zz"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			retryable, err := s.Post(context.Background(), tt.req)
			if err == nil || err.Error() != tt.wantErr || retryable != tt.wantRetryable {
				t.Errorf("Post = %v, %v; want %v, %q", retryable, err, tt.wantRetryable, tt.wantErr)
			}
		})
	}
	if err := s.Wrap(io.EOF); err.Error() != `test receiver "r": EOF` || !errors.Is(err, io.EOF) {
		t.Errorf("Wrap = %v, want the receiver named and the cause kept", err)
	}
	if err := s.Errorf("deliver %s", key); err.Error() != `test receiver "r": deliver <redacted>` {
		t.Errorf("Errorf = %v, want the secret removed", err)
	}
}

func TestNumbers(t *testing.T) {
	written := 99.9 // as a spec writes it, in percent
	tests := []struct {
		name string
		in   float64
		want string
	}{
		{"An objective of 99.9% is 0.999, not what the division gives.", written / 100, "0.999"},
		{"A burn rate keeps its digits.", 15.23, "15.23"},
		{"An integer has no point.", 6, "6"},
		{"NaN is null.", math.NaN(), "null"},
		{"Infinity is null.", math.Inf(1), "null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(transport.Number(tt.in))
			if err != nil || string(got) != tt.want {
				t.Errorf("Marshal(%v) = %s, %v; want %s", tt.in, got, err, tt.want)
			}
		})
	}
	if got := written / 100; got == 0.999 {
		t.Fatalf("99.9 / 100 = %v is exact here: the test would not show the rounding", got)
	}
}
