package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/sluice-dev/sluice/templates"
)

// Modes of the remote.
const (
	modeUp         = iota
	modeDown       // every connection is closed unanswered
	modeFetchFails // ref advertisements answered, fetches HTTP 500
)

// remote is a Git repository served over smart HTTP, with faults.
type remote struct {
	work string // a clone the commits are made in
	url  string
	srv  *http.Server
	mode atomic.Int32
}

// newRemote makes a repository of the training template (without its
// MetadataStore: the measured daemon has no PostgreSQL server) with
// branches dev and prod, and serves it.
func newRemote(dir string) (*remote, error) {
	r := &remote{work: filepath.Join(dir, "work")}
	if err := templates.Scaffold("training", r.work, "faults"); err != nil {
		return nil, err
	}
	if err := dropMetadataStore(filepath.Join(r.work, "deploy", "stores.yaml")); err != nil {
		return nil, err
	}
	bare := filepath.Join(dir, "served", "ml.git")
	for _, args := range [][]string{{"-C", r.work, "init", "-q", "-b", "dev"}, {"-C", r.work, "add", "."},
		{"-C", r.work, "-c", "user.name=f", "-c", "user.email=f@example.com", "commit", "-qm", "first"},
		{"-C", r.work, "branch", "prod"}, {"clone", "-q", "--bare", r.work, bare},
		{"-C", r.work, "remote", "add", "served", bare}} {
		if err := git(args...); err != nil {
			return nil, err
		}
	}
	exec, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		return nil, err
	}
	backend := &cgi.Handler{Path: filepath.Join(strings.TrimSpace(string(exec)), "git-http-backend"),
		Env: []string{"GIT_PROJECT_ROOT=" + filepath.Dir(bare), "GIT_HTTP_EXPORT_ALL=1"}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r.url = fmt.Sprintf("http://%s/ml.git", ln.Addr())
	r.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch r.mode.Load() {
		case modeDown:
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
			return
		case modeFetchFails:
			if req.Method == http.MethodPost {
				http.Error(w, "injected fault", http.StatusInternalServerError)
				return
			}
		}
		backend.ServeHTTP(w, req)
	})}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

func (r *remote) setMode(m int32) { r.mode.Store(m) }

func (r *remote) close() { _ = r.srv.Close() }

// commit adds a commit on both branches and pushes them to the served
// repository.
func (r *remote) commit(msg string) error {
	for _, branch := range []string{"dev", "prod"} {
		path := filepath.Join(r.work, "deploy", "faultload.txt")
		if err := git("-C", r.work, "checkout", "-q", branch); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(msg+"\n"), 0o644); err != nil {
			return err
		}
		if err := git("-C", r.work, "add", "."); err != nil {
			return err
		}
		if err := git("-C", r.work, "-c", "user.name=f", "-c", "user.email=f@example.com", "commit", "-qm", msg); err != nil {
			return err
		}
	}
	return git("-C", r.work, "push", "-q", "served", "dev", "prod")
}

func git(args ...string) error {
	if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("git %v: %w: %s", args, err, out)
	}
	return nil
}

// dropMetadataStore removes the MetadataStore document from the file at
// path.
func dropMetadataStore(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var keep []string
	for _, doc := range strings.Split(string(data), "\n---\n") {
		if !strings.Contains(doc, "kind: MetadataStore") {
			keep = append(keep, doc)
		}
	}
	return os.WriteFile(path, []byte(strings.Join(keep, "\n---\n")), 0o644)
}
