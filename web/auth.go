package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
)

// Auth closes the dashboard to requests without credentials. With
// BearerToken set, a request may send "Authorization: Bearer <token>"; with
// BasicUser and BasicPassword set, HTTP basic auth (which browsers ask a
// person for). Either one is enough when both are set. The zero value leaves
// the dashboard open.
type Auth struct {
	BearerToken   string
	BasicUser     string
	BasicPassword string
}

// Enabled reports whether the Auth asks for credentials.
func (a Auth) Enabled() bool { return a.BearerToken != "" || a.BasicUser != "" }

func (a Auth) validate() error {
	if (a.BasicUser == "") != (a.BasicPassword == "") {
		return fmt.Errorf("basic auth needs both a user and a password")
	}
	return nil
}

// Protect answers 401 to requests without valid credentials and passes
// the others to next; with no credentials configured it returns next.
func (a Auth) Protect(next http.Handler) http.Handler {
	if !a.Enabled() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.allows(r) {
			next.ServeHTTP(w, r)
			return
		}
		if a.BasicUser != "" {
			w.Header().Add("WWW-Authenticate", `Basic realm="burnwatch", charset="UTF-8"`)
		}
		if a.BearerToken != "" {
			w.Header().Add("WWW-Authenticate", `Bearer realm="burnwatch"`)
		}
		http.Error(w, "401 unauthorized", http.StatusUnauthorized)
	})
}

// allows compares credentials in constant time: the digests of what was
// sent and what is configured, so that neither content nor length leaks.
func (a Auth) allows(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if a.BearerToken != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") && same(strings.TrimSpace(token), a.BearerToken) {
			return true
		}
	}
	if a.BasicUser != "" {
		user, password, ok := r.BasicAuth()
		// Both compared every time: no early exit on a wrong user.
		userOK, passwordOK := same(user, a.BasicUser), same(password, a.BasicPassword)
		if ok && userOK && passwordOK {
			return true
		}
	}
	return false
}

func same(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}
