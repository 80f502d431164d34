package daemon

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/redact"
)

// tier is what a route asks of a request's bearer token.
type tier int

const (
	// tierOpen needs no token: health, metrics, environment status.
	tierOpen tier = iota
	// tierRead needs a read or the API token, unless anonymous read is
	// on: anything that may hold what a step printed (runs).
	tierRead
	// tierAdmin needs the API token: every change.
	tierAdmin
)

// access is what one configuration says about who may call what: the
// tokens' digests, anonymous read and the allowed hosts. It is replaced
// whole on every configuration applied.
type access struct {
	admin     [][sha256.Size]byte
	read      [][sha256.Size]byte
	anonymous bool
	http      config.HTTP
}

// newAccess reads the API and read tokens cfg names and returns the
// access it grants with the secret values read (for the redactor). It
// fails when a token cannot be read or is empty.
func newAccess(cfg *config.Config) (*access, [][]byte, error) {
	a := &access{anonymous: cfg.AnonymousRead, http: cfg.HTTP}
	var values [][]byte
	if cfg.APIToken != nil {
		t, err := cfg.APIToken.Read()
		if err != nil {
			return nil, nil, fmt.Errorf("apiToken: %w", err)
		}
		a.admin = append(a.admin, sha256.Sum256(t))
		values = append(values, t)
	}
	for i, s := range cfg.ReadTokens {
		t, err := s.Read()
		if err != nil {
			return nil, nil, fmt.Errorf("readTokens[%d]: %w", i, err)
		}
		a.read = append(a.read, sha256.Sum256(t))
		values = append(values, t)
	}
	return a, values, nil
}

// allows reports whether r's bearer token meets tier t. Tokens are
// compared as SHA-256 digests in constant time, every one of them, so
// neither a token's content nor its length nor which one matched leaks.
func (a *access) allows(r *http.Request, t tier) bool {
	if t == tierOpen || (t == tierRead && a.anonymous) {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || got == "" {
		return false
	}
	sum := sha256.Sum256([]byte(got))
	match := 0
	for _, want := range a.admin {
		match |= subtle.ConstantTimeCompare(sum[:], want[:])
	}
	if t == tierRead {
		for _, want := range a.read {
			match |= subtle.ConstantTimeCompare(sum[:], want[:])
		}
	}
	return match == 1
}

// secretValues reads every secret cfg names, adds the password of each
// DSN and the secret-looking variables of environ, for the redactor.
// A secret that cannot be read is left out: applying cfg reports it.
func secretValues(cfg *config.Config, environ []string) [][]byte {
	var out [][]byte
	for _, s := range cfg.Secrets() {
		v, err := s.Read()
		if err != nil {
			continue
		}
		out = append(out, v)
		if p := redact.DSNPassword(string(v)); p != "" {
			out = append(out, []byte(p))
		}
	}
	return append(out, redact.FromEnviron(environ)...)
}

// errNoToken is the answer to a request without the token its route
// needs.
var errNoToken = errors.New("a valid bearer token is required for this call")

// guard wraps a route: the Host header first, then the token its tier
// needs. A Host the configuration does not allow gets 421, so that a
// page on another site cannot read the API through DNS rebinding.
func (d *Daemon) guard(t tier, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := d.access.Load()
		if !a.http.HostAllowed(r.Host) {
			w.Header().Set("Connection", "close")
			d.writeJSON(w, http.StatusMisdirectedRequest, map[string]string{
				"error": "this daemon does not answer for that Host; add it to http.allowedHosts"})
			return
		}
		if !a.allows(r, t) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sluice"`)
			d.writeJSON(w, http.StatusUnauthorized, map[string]string{"error": errNoToken.Error()})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// setSecrets installs the access cfg grants and gives the redactor every
// secret value the daemon knows under it.
func (d *Daemon) setSecrets(cfg *config.Config, a *access, tokens [][]byte) {
	values := append(append([][]byte(nil), tokens...), secretValues(cfg, d.opts.Environ())...)
	d.redact.Set(values...)
	if n := d.redact.Short(); n > 0 {
		d.log.Warn("secrets too short to be redacted from run output", "count", n, "min_length", redact.MinLength)
	}
	d.access.Store(a)
}
