package gitsource_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/sluice-dev/sluice/gitsource"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

// remote is a bare repository and the URL a Repo reads it through.
type remote struct {
	bare string
	url  string
	srv  *gitserver.Server // nil over file://
}

// transports are the ways the tests read a repository.
var transports = []string{"file", "http"}

// newRemote makes a bare repository with files on main and serves it over
// transport.
func newRemote(t testing.TB, transport string, files map[string]string) *remote {
	t.Helper()
	bare := gitserver.NewRepo(t, files, "main")
	if transport == "file" {
		return &remote{bare: bare, url: gitserver.FileURL(bare)}
	}
	srv := gitserver.Start(t, filepath.Dir(bare))
	return &remote{bare: bare, url: srv.URL(filepath.Base(bare)), srv: srv}
}

// requests returns the HTTP requests the remote received, 0 over file://.
func (r *remote) requests() int {
	if r.srv == nil {
		return 0
	}
	return r.srv.Requests()
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// open opens a Repo on url with a fresh cache, watching branches.
func open(t testing.TB, opts gitsource.Options) (*gitsource.Repo, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	if opts.Dir == "" {
		opts.Dir = filepath.Join(t.TempDir(), "cache")
	}
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r, err := gitsource.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return r, logs
}

// blobHash is the Git blob hash of content, as `git hash-object` gives it.
func blobHash(content string) string {
	return plumbing.ComputeHash(plumbing.BlobObject, []byte(content)).String()
}

// mustFetch fetches branches and fails the test on error.
func mustFetch(t testing.TB, r *gitsource.Repo, branches ...string) map[string]gitsource.Commit {
	t.Helper()
	got, err := r.Fetch(context.Background(), branches)
	if err != nil {
		t.Fatalf("Fetch(%v): %v", branches, err)
	}
	return got
}

// readAll returns every YAML file under dir of the Source: path → content,
// and path → hash.
func readAll(t testing.TB, src *gitsource.Tree, dir string) (map[string]string, map[string]string) {
	t.Helper()
	entries, err := src.List(context.Background(), dir)
	if err != nil {
		t.Fatalf("List(%q): %v", dir, err)
	}
	content, hashes := map[string]string{}, map[string]string{}
	for _, e := range entries {
		if e.Problem != nil {
			content[e.Path] = "problem: " + e.Problem.Code
			continue
		}
		data, err := e.Read()
		if err != nil {
			t.Fatalf("read %s: %v", e.Path, err)
		}
		content[e.Path], hashes[e.Path] = string(data), e.Hash
	}
	return content, hashes
}
