package gitsource_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"net"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/sluice-dev/sluice/gitsource"
)

// newKey returns a new ed25519 private key in PEM and its public key.
func newKey(t testing.TB) ([]byte, ssh.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block), sshPub
}

func TestHostKeyCallback(t *testing.T) {
	_, hostKey := newKey(t)
	_, otherKey := newKey(t)
	addr := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 22}
	plain := []byte(knownhosts.Line([]string{"git.example.com"}, hostKey) + "\n")
	hashed := []byte(knownhosts.Line([]string{knownhosts.HashHostname("git.example.com")}, hostKey) + "\n")
	withPort := []byte(knownhosts.Line([]string{"[git.example.com]:2222"}, hostKey) + "\n")
	tests := []struct {
		name       string
		knownHosts []byte
		host       string
		key        ssh.PublicKey
		wantErr    bool
		mismatch   bool
	}{
		{"listed key", plain, "git.example.com:22", hostKey, false, false},
		{"hashed name", hashed, "git.example.com:22", hostKey, false, false},
		{"listed with its port", withPort, "git.example.com:2222", hostKey, false, false},
		{"other port is another host", withPort, "git.example.com:22", hostKey, true, false},
		{"key mismatch", plain, "git.example.com:22", otherKey, true, true},
		{"unknown host", plain, "evil.example.com:22", hostKey, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cb, algos, err := gitsource.HostKeyCallback(tt.knownHosts, tt.host)
			if err != nil {
				t.Fatal(err)
			}
			err = cb(tt.host, addr, tt.key)
			if (err != nil) != tt.wantErr {
				t.Fatalf("callback: err = %v, want error %v", err, tt.wantErr)
			}
			var ke *knownhosts.KeyError
			if tt.mismatch && (!errors.As(err, &ke) || len(ke.Want) == 0) {
				t.Errorf("mismatch not reported as a known key that differs: %v", err)
			}
			if !tt.wantErr && len(algos) == 0 {
				t.Errorf("no host key algorithms for a known host")
			}
		})
	}
}

func TestHostKeyCallbackNeedsKnownHosts(t *testing.T) {
	for _, kh := range [][]byte{nil, []byte("garbage line without a key\n")} {
		if _, _, err := gitsource.HostKeyCallback(kh, "git.example.com:22"); err == nil {
			t.Errorf("known_hosts %q accepted", kh)
		}
	}
}
