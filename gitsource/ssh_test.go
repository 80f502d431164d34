package gitsource_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/sluice-dev/sluice/gitsource"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

func TestSSH(t *testing.T) {
	bare := gitserver.NewRepo(t, baseFiles, "main")
	clientKey, clientPub := newKey(t)
	otherKey, _ := newKey(t)
	_, otherHostKey := newKey(t)
	srv := gitserver.StartSSH(t, filepath.Dir(bare), clientPub)
	url := srv.URL(filepath.Base(bare))
	impostor := []byte(knownhosts.Line([]string{knownhosts.Normalize(srv.Addr())}, otherHostKey) + "\n")
	stranger := []byte(knownhosts.Line([]string{"git.example.com"}, otherHostKey) + "\n")

	tests := []struct {
		name       string
		key        []byte
		knownHosts []byte
		want       error
		sessions   int // Git commands the server ran
	}{
		{"authorized key, known host", clientKey, srv.KnownHosts(), nil, 1},
		{"host key mismatch", clientKey, impostor, gitsource.ErrAuth, 0},
		{"host not in known_hosts", clientKey, stranger, gitsource.ErrAuth, 0},
		{"unauthorized client key", otherKey, srv.KnownHosts(), gitsource.ErrAuth, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := open(t, gitsource.Options{URL: url, Branches: []string{"main"},
				Auth: gitsource.Auth{SSHKey: tt.key, KnownHosts: tt.knownHosts}})
			before := srv.Sessions()
			heads, err := r.Heads(context.Background())
			if !errors.Is(err, tt.want) || (tt.want != nil && errors.Is(err, gitsource.ErrUnreachable)) {
				t.Fatalf("Heads = %v, %v; want %v", heads, err, tt.want)
			}
			if n := srv.Sessions() - before; n != tt.sessions {
				t.Errorf("server ran %d Git commands, want %d", n, tt.sessions)
			}
			if tt.want == nil {
				got := mustFetch(t, r, "main")
				if got["main"].Hash != heads["main"] {
					t.Errorf("Fetch over SSH = %v, want main at %s", got, heads["main"])
				}
			}
		})
	}
}
