package gitserver_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"testing"

	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"

	"github.com/sluice-dev/sluice/internal/gitserver"
)

func TestSSHServerServesAuthorizedKey(t *testing.T) {
	bare := gitserver.NewRepo(t, map[string]string{"a.yaml": "a: 1\n"}, "main")
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	srv := gitserver.StartSSH(t, filepath.Dir(bare), signer.PublicKey())
	auth := &gitssh.PublicKeys{User: "git", Signer: signer}
	auth.HostKeyCallback = ssh.FixedHostKey(hostKey(t, srv))
	got, err := lsRemote(t, srv.URL("repo.git"), auth)
	if err != nil {
		t.Fatal(err)
	}
	if got["main"] != gitserver.Head(t, bare, "main") || srv.Sessions() != 1 {
		t.Errorf("branches %v after %d sessions, want main at its head after 1", got, srv.Sessions())
	}
	if _, err := lsRemote(t, srv.URL("../outside.git"), auth); err == nil {
		t.Errorf("a path outside the served folder was served")
	}
}

func hostKey(t *testing.T, srv *gitserver.SSHServer) ssh.PublicKey {
	t.Helper()
	_, _, key, _, _, err := ssh.ParseKnownHosts(srv.KnownHosts())
	if err != nil {
		t.Fatal(err)
	}
	return key
}
