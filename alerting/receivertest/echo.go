package receivertest

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestEchoedSecretsAreRedacted checks that a receiver's errors never show
// its secrets, even when the server echoes them: a server on 127.0.0.1
// answers 500 with the request line (the URL), the headers or the body it
// received, at the start of its answer or straddling the 200 bytes an
// error quotes. No error may contain one of secrets, nor the first eight
// bytes of one (a secret cut in half); an echo that put a secret within
// the quoted part must show "<redacted>" there. Give every secret value
// of the receiver, in the forms it travels in (a basic-auth header's
// base64 included).
func TestEchoedSecretsAreRedacted(t *testing.T, newReceiver Factory, secrets ...string) {
	parts := []struct {
		name string
		echo func(r *http.Request, body []byte) string
	}{
		{"the request line", func(r *http.Request, _ []byte) string { return r.Method + " " + r.URL.RequestURI() + " " + r.Proto }},
		{"the headers", func(r *http.Request, _ []byte) string {
			var b strings.Builder
			for _, k := range slices.Sorted(maps.Keys(r.Header)) {
				fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(r.Header[k], ", "))
			}
			return b.String()
		}},
		{"the body", func(_ *http.Request, body []byte) string { return string(body) }},
	}
	redacted := 0
	for _, part := range parts {
		for _, pad := range []int{0, 190} {
			t.Run(fmt.Sprintf("%s after %d bytes", part.name, pad), func(t *testing.T) {
				var echoed string
				srv := NewServer(t, func(w http.ResponseWriter, r *http.Request) {
					body, _ := io.ReadAll(r.Body)
					echoed = strings.Repeat(".", pad) + part.echo(r, body)
					w.WriteHeader(http.StatusInternalServerError)
					_, _ = io.WriteString(w, echoed)
				})
				_, err := newReceiver(t, srv.URL, nil).Notify(context.Background(), FiringPage())
				if err == nil {
					t.Fatal("Notify succeeded against a server answering 500")
				}
				msg := err.Error()
				NoSecrets(t, msg, secrets...)
				for _, s := range secrets {
					if len(s) >= 8 && strings.Contains(msg, s[:8]) {
						t.Errorf("%q shows the start of the secret %q", msg, s)
					}
					// An error quotes the first 200 bytes of the answer,
					// runs of white space made one.
					quoted := strings.Join(strings.Fields(echoed), " ")
					if i := strings.Index(quoted, s); i >= 0 && i < 150 && !strings.Contains(msg, "<redacted>") {
						t.Errorf("the echo held the secret %q, but the error %q does not show where it was removed", s, msg)
					}
				}
				if strings.Contains(msg, "<redacted>") {
					redacted++
				}
			})
		}
	}
	if redacted == 0 {
		t.Error("no echo held a secret of the receiver: the test shows nothing")
	}
}
