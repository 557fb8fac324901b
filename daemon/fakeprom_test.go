package daemon

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// fakeProm poses as a Prometheus HTTP API on 127.0.0.1: it answers every
// query with an empty vector (or with the status it is told), and keeps
// what the last request carried.
type fakeProm struct {
	*httptest.Server

	mu       sync.Mutex
	requests int
	header   http.Header
	clientCN string
	status   int
	body     string
	delay    time.Duration
}

func newFakeProm(t *testing.T) *fakeProm {
	f := &fakeProm{}
	f.Server = httptest.NewServer(f)
	t.Cleanup(f.Close)
	return f
}

// newFakePromTLS serves https with httptest's certificate (valid for
// 127.0.0.1 and example.com), asks clients for a certificate, and closes
// every connection after its answer so that each query shakes hands anew.
func newFakePromTLS(t *testing.T) *fakeProm {
	f := &fakeProm{}
	f.Server = httptest.NewUnstartedServer(f)
	f.Server.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	f.Server.Config.SetKeepAlivesEnabled(false)
	f.Server.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes that are meant to fail
	f.StartTLS()
	t.Cleanup(f.Close)
	return f
}

func (f *fakeProm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests++
	f.header = r.Header.Clone()
	f.clientCN = ""
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		f.clientCN = r.TLS.PeerCertificates[0].Subject.CommonName
	}
	status, body, delay := f.status, f.body, f.delay
	f.mu.Unlock()
	time.Sleep(delay)
	if status != 0 {
		http.Error(w, body, status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"success","data":{"resultType":"vector","result":[]}}`))
}

func (f *fakeProm) set(status int, body string, delay time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.body, f.delay = status, body, delay
}

func (f *fakeProm) seen() (requests int, header http.Header, clientCN string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests, f.header, f.clientCN
}

// caFile writes the server's certificate as a CA bundle into dir.
func (f *fakeProm) caFile(t *testing.T, dir string) string {
	path := filepath.Join(dir, "ca.pem")
	writePEM(t, path, "CERTIFICATE", f.Certificate().Raw)
	return path
}

// clientCerts writes one key and two client certificates for it, with the
// common names "one" and "two", and returns their paths.
func clientCerts(t *testing.T, dir string) (key, one, two string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	key = filepath.Join(dir, "client.key")
	writePEM(t, key, "EC PRIVATE KEY", der)
	cert := func(cn string) string {
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, cn+".pem")
		writePEM(t, path, "CERTIFICATE", der)
		return path
	}
	return key, cert("one"), cert("two")
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
