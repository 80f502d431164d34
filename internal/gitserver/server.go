package gitserver

import (
	"bytes"
	"context"
	"crypto/subtle"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Server is a smart-HTTP Git server over the bare repositories of one
// folder. It is safe for concurrent use.
type Server struct {
	srv      *httptest.Server
	requests atomic.Int64
	down     atomic.Bool
	mu       sync.Mutex
	user     string
	token    string
	stderr   lockedBuffer
}

// lockedBuffer collects the backend's error output for failing tests.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Start serves the bare repositories under dir on 127.0.0.1 until the
// test ends. It skips the test when git or git-http-backend is missing.
func Start(tb testing.TB, dir string) *Server {
	tb.Helper()
	backend := httpBackend(tb)
	s := &Server{}
	h := &cgi.Handler{
		Path:   backend,
		Dir:    dir,
		Stderr: &s.stderr,
		Env: []string{
			"GIT_PROJECT_ROOT=" + dir,
			"GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_NOSYSTEM=1",
			"HOME=" + dir,
			"GIT_CONFIG_COUNT=1",
			"GIT_CONFIG_KEY_0=http.receivepack",
			"GIT_CONFIG_VALUE_0=true",
		},
	}
	s.srv = httptest.NewServer(s.wrap(h))
	tb.Cleanup(func() {
		s.srv.Close()
		if tb.Failed() && s.stderr.Len() > 0 {
			tb.Logf("git http-backend stderr:\n%s", s.stderr.String())
		}
	})
	return s
}

// httpBackend returns the path of git-http-backend, skipping the test
// when it cannot be found.
func httpBackend(tb testing.TB) string {
	tb.Helper()
	out, err := exec.CommandContext(context.Background(), "git", "--exec-path").Output()
	if err != nil {
		tb.Skipf("git is not installed: %v", err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("git-http-backend is not installed: %v", err)
	}
	return p
}

// wrap counts requests, answers 503 while the server is down and checks
// basic auth when a token is required.
func (s *Server) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		if s.down.Load() {
			http.Error(w, "service unavailable", http.StatusServiceUnavailable)
			return
		}
		if !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) authorized(r *http.Request) bool {
	s.mu.Lock()
	wantUser, wantToken := s.user, s.token
	s.mu.Unlock()
	if wantToken == "" {
		return true
	}
	user, token, ok := r.BasicAuth()
	return ok && subtle.ConstantTimeCompare([]byte(user), []byte(wantUser)) == 1 &&
		subtle.ConstantTimeCompare([]byte(token), []byte(wantToken)) == 1
}

// URL returns the HTTP URL of the repository repo, a path relative to the
// served folder (for example "app.git").
func (s *Server) URL(repo string) string {
	return s.srv.URL + "/" + strings.TrimPrefix(filepath.ToSlash(repo), "/")
}

// Requests returns how many HTTP requests the server has received,
// including those it refused.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// SetDown makes the server answer every request with 503 Service
// Unavailable (true) or serve again (false).
func (s *Server) SetDown(down bool) { s.down.Store(down) }

// RequireToken makes the server demand HTTP basic auth with user and
// token, answering 401 otherwise; an empty token turns the check off.
func (s *Server) RequireToken(user, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.token = user, token
}

// FileURL returns the file:// URL of the bare repository at dir.
func FileURL(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return "file://" + filepath.ToSlash(abs)
}
