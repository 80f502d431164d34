package gitserver_test

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/sluice-dev/sluice/internal/gitserver"
)

// lsRemote lists the branches of url with go-git: branch name → hash.
func lsRemote(t *testing.T, url string, auth transport.AuthMethod) (map[string]string, error) {
	t.Helper()
	rem := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{url}})
	refs, err := rem.ListContext(context.Background(), &git.ListOptions{Auth: auth})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, r := range refs {
		if r.Name().IsBranch() {
			out[r.Name().Short()] = r.Hash().String()
		}
	}
	return out, nil
}

func TestServerServesBranches(t *testing.T) {
	bare := gitserver.NewRepo(t, map[string]string{"a.yaml": "a: 1\n"}, "main")
	dev := gitserver.Branch(t, bare, "main", "dev")
	srv := gitserver.Start(t, filepath.Dir(bare))
	for _, url := range []string{srv.URL("repo.git"), gitserver.FileURL(bare)} {
		got, err := lsRemote(t, url, nil)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		if got["main"] != dev || got["dev"] != dev || len(got) != 2 {
			t.Errorf("%s: branches %v, want main and dev at %s", url, got, dev)
		}
	}
	if n := srv.Requests(); n != 1 {
		t.Errorf("one ls-remote over HTTP made %d requests, want 1", n)
	}
}

func TestServerCloneWithGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	bare := gitserver.NewRepo(t, map[string]string{"deploy/a.yaml": "a: 1\n", "b.txt": "b"}, "main")
	srv := gitserver.Start(t, filepath.Dir(bare))
	dst := filepath.Join(t.TempDir(), "clone")
	out, err := exec.CommandContext(t.Context(), "git", "clone", "--depth", "1", srv.URL("repo.git"), dst).CombinedOutput()
	if err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	out, err = exec.CommandContext(t.Context(), "git", "-C", dst, "fsck", "--strict").CombinedOutput()
	if err != nil {
		t.Fatalf("git fsck of the helpers' objects: %v\n%s", err, out)
	}
}

func TestServerDownAndAuth(t *testing.T) {
	bare := gitserver.NewRepo(t, map[string]string{"a.yaml": "a: 1\n"}, "main")
	srv := gitserver.Start(t, filepath.Dir(bare))
	url := srv.URL("repo.git")

	srv.SetDown(true)
	if _, err := lsRemote(t, url, nil); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("down: err = %v, want a 503", err)
	}
	srv.SetDown(false)

	srv.RequireToken("x-access-token", "s3cret")
	tests := []struct {
		name string
		auth transport.AuthMethod
		want error
	}{
		{"none", nil, transport.ErrAuthenticationRequired},
		{"wrong", &githttp.BasicAuth{Username: "x-access-token", Password: "nope"}, transport.ErrAuthenticationRequired},
		{"right", &githttp.BasicAuth{Username: "x-access-token", Password: "s3cret"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lsRemote(t, url, tt.auth)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
