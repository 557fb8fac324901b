package prom_test

import (
	"context"
	"encoding/pem"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/burnwatch/burnwatch/prom"
)

func TestHTTPOverTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(vectorBody))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, ca, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		tls  prom.TLSOptions
		// wantErr is part of the error, or empty when the query must work.
		wantErr string
	}{
		{
			name: "A server whose certificate the CA file signs is trusted.",
			tls:  prom.TLSOptions{CAFile: caFile},
		},
		{
			name: "Certificate checks can be turned off.",
			tls:  prom.TLSOptions{InsecureSkipVerify: true},
		},
		{
			name:    "A server signed by an unknown authority is refused, without retries.",
			wantErr: "certificate signed by unknown authority",
		},
		{
			name:    "A server name that the certificate does not hold is refused.",
			tls:     prom.TLSOptions{CAFile: caFile, ServerName: "prometheus.internal"},
			wantErr: "not prometheus.internal",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := prom.NewHTTP(prom.HTTPOptions{URL: srv.URL, TLS: tt.tls, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatalf("NewHTTP: %v", err)
			}
			vec, err := h.Query(context.Background(), "up", at)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Query: %v", err)
				}
				if got, want := vec.String(), `{job="api"} => 0.5 @[1767323045]`; got != want {
					t.Errorf("vector: got %s, want %s", got, want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error: got %v, want one containing %q", err, tt.wantErr)
			}
			if got := h.Stats().Retries; got != 0 {
				t.Errorf("retries: got %d, want 0", got)
			}
		})
	}
}
