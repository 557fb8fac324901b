package prom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/prometheus/common/config"
)

// HTTPOptions configures an HTTP querier. Only URL is required.
type HTTPOptions struct {
	// URL is the base address of the Prometheus-compatible API, without the
	// /api/v1 suffix: http://prometheus:9090, https://mimir.example/prometheus.
	URL string
	// Timeout bounds each attempt of a query; it is also sent to the server
	// as the query's evaluation timeout. Default 30s.
	Timeout time.Duration
	// Retries is how many times a query is retried after a 5xx, a 429, a
	// timeout or a connection error. Default 2; a negative value disables
	// retries. Errors in the query itself (bad_data) are never retried.
	Retries int
	// RetryBackoff is the wait before the first retry; it doubles on each
	// further retry, up to 10s. Default 250ms.
	RetryBackoff time.Duration
	// Headers are sent with every request, e.g. Mimir's X-Scope-OrgID.
	// Authorization and other reserved headers cannot be set here.
	Headers map[string]string
	// BasicAuth sends HTTP basic credentials when Username is set.
	BasicAuth BasicAuth
	// BearerTokenFile is a file holding a bearer token, read on every request
	// so that rotated tokens are picked up.
	BearerTokenFile string
	// BearerTokenEnv is the name of an environment variable holding a bearer
	// token, an alternative to BearerTokenFile.
	BearerTokenEnv string
	// TLS configures certificate checks and client certificates for https.
	TLS TLSOptions
	// Logger receives query warnings, retries, and whether raw samples can
	// be read (RangeRules). Default slog.Default().
	Logger *slog.Logger
}

// BasicAuth holds HTTP basic credentials. The password comes from a file or
// from an environment variable, never from the options themselves.
type BasicAuth struct {
	// Username turns basic authentication on when it is not empty.
	Username string
	// PasswordFile is a file holding the password, read on every request.
	PasswordFile string
	// PasswordEnv is the name of an environment variable holding the
	// password, an alternative to PasswordFile.
	PasswordEnv string
}

// TLSOptions configures TLS for https URLs.
type TLSOptions struct {
	// CAFile is a PEM bundle of the certificate authorities to trust instead
	// of the system pool.
	CAFile string
	// CertFile and KeyFile are a client certificate and its key, for mutual TLS.
	CertFile, KeyFile string
	// ServerName overrides the name checked in the server's certificate.
	ServerName string
	// InsecureSkipVerify turns certificate checks off. Only for tests.
	InsecureSkipVerify bool
}

const (
	defaultHTTPTimeout  = 30 * time.Second
	defaultRetries      = 2
	defaultRetryBackoff = 250 * time.Millisecond
	maxRetryBackoff     = 10 * time.Second
)

// withDefaults returns a copy of o with defaults filled in, or an error
// naming the first option that cannot work.
func (o HTTPOptions) withDefaults() (HTTPOptions, error) {
	if o.URL == "" {
		return o, errors.New("URL is empty")
	}
	u, err := url.Parse(o.URL)
	if err != nil {
		// The parse error quotes the URL, which may hold a password.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return o, fmt.Errorf("URL cannot be parsed: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return o, fmt.Errorf("URL %q: want http:// or https:// and a host", u.Redacted())
	}
	if o.Timeout < 0 {
		return o, fmt.Errorf("timeout %s is negative", o.Timeout)
	}
	if o.Timeout == 0 {
		o.Timeout = defaultHTTPTimeout
	}
	switch {
	case o.Retries < 0:
		o.Retries = 0
	case o.Retries == 0:
		o.Retries = defaultRetries
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = defaultRetryBackoff
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o, nil
}

// clientConfig translates the options into Prometheus' own HTTP client
// configuration, so that authentication and TLS are done the way Prometheus
// does them. Secrets stay in files and environment variables; the errors
// name those, never their contents.
func (o HTTPOptions) clientConfig() (config.HTTPClientConfig, error) {
	cfg := config.DefaultHTTPClientConfig
	cfg.TLSConfig = config.TLSConfig{
		CAFile:             o.TLS.CAFile,
		CertFile:           o.TLS.CertFile,
		KeyFile:            o.TLS.KeyFile,
		ServerName:         o.TLS.ServerName,
		InsecureSkipVerify: o.TLS.InsecureSkipVerify,
	}
	if len(o.Headers) > 0 {
		cfg.HTTPHeaders = &config.Headers{Headers: map[string]config.Header{}}
		for name, value := range o.Headers {
			cfg.HTTPHeaders.Headers[http.CanonicalHeaderKey(name)] = config.Header{Values: []string{value}}
		}
	}

	bearer := o.BearerTokenFile != "" || o.BearerTokenEnv != ""
	switch {
	case bearer && o.BasicAuth.Username != "":
		return cfg, errors.New("both a bearer token and basic auth are set; choose one")
	case o.BearerTokenFile != "" && o.BearerTokenEnv != "":
		return cfg, errors.New("both BearerTokenFile and BearerTokenEnv are set; choose one")
	case o.BasicAuth.PasswordFile != "" && o.BasicAuth.PasswordEnv != "":
		return cfg, errors.New("both BasicAuth.PasswordFile and BasicAuth.PasswordEnv are set; choose one")
	case o.BasicAuth.Username == "" && (o.BasicAuth.PasswordFile != "" || o.BasicAuth.PasswordEnv != ""):
		return cfg, errors.New("basic auth password is set without a username")
	}
	if err := checkSecretSources(o.BearerTokenFile, o.BearerTokenEnv, o.BasicAuth.PasswordFile, o.BasicAuth.PasswordEnv); err != nil {
		return cfg, err
	}
	if bearer {
		cfg.Authorization = &config.Authorization{
			Type:            "Bearer",
			CredentialsFile: o.BearerTokenFile,
			CredentialsRef:  o.BearerTokenEnv,
		}
	}
	if o.BasicAuth.Username != "" {
		cfg.BasicAuth = &config.BasicAuth{
			Username:     o.BasicAuth.Username,
			PasswordFile: o.BasicAuth.PasswordFile,
			PasswordRef:  o.BasicAuth.PasswordEnv,
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// checkSecretSources fails early when a secret file cannot be read or a
// secret environment variable is unset, instead of on the first query.
func checkSecretSources(tokenFile, tokenEnv, passwordFile, passwordEnv string) error {
	for _, f := range []string{tokenFile, passwordFile} {
		if f == "" {
			continue
		}
		fh, err := os.Open(f)
		if err != nil {
			return fmt.Errorf("secret file: %w", err)
		}
		fh.Close()
	}
	for _, name := range []string{tokenEnv, passwordEnv} {
		if name == "" {
			continue
		}
		if _, err := (envSecrets{}).Fetch(context.Background(), name); err != nil {
			return err
		}
	}
	return nil
}

// envSecrets is a config.SecretManager that reads secrets from environment
// variables, named by the *Ref fields of the client configuration.
type envSecrets struct{}

// Fetch returns the trimmed value of the environment variable name.
func (envSecrets) Fetch(_ context.Context, name string) (string, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return "", fmt.Errorf("environment variable %s is not set", name)
	}
	return v, nil
}
