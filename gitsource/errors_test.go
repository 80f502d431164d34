package gitsource_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/gitsource"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

// closedPort returns an http URL on 127.0.0.1 where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr + "/repo.git"
}

// stalledServer returns an http URL on 127.0.0.1 whose server accepts
// connections and never answers.
func stalledServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				_ = c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() { _ = l.Close(); <-done })
	return "http://" + l.Addr().String() + "/repo.git"
}

func TestUnreachable(t *testing.T) {
	rem := newRemote(t, "http", baseFiles)
	tests := []struct {
		name string
		url  string
		down bool
	}{
		{"server down (503)", rem.url, true},
		{"missing repository over http (404)", strings.TrimSuffix(rem.url, "repo.git") + "nope.git", false},
		{"missing repository over file", gitserver.FileURL(filepath.Join(t.TempDir(), "nope.git")), false},
		{"nothing listening", closedPort(t), false},
		{"no answer in time", stalledServer(t), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rem.srv.SetDown(tt.down)
			defer rem.srv.SetDown(false)
			r, _ := open(t, gitsource.Options{URL: tt.url, Branches: []string{"main"}, Timeout: 200 * time.Millisecond})
			_, err := r.Heads(context.Background())
			if !errors.Is(err, gitsource.ErrUnreachable) || errors.Is(err, gitsource.ErrAuth) {
				t.Errorf("Heads: err = %v, want ErrUnreachable", err)
			}
			if d, _ := sluice.RetryOf(err); d != sluice.RetryTransient {
				t.Errorf("Heads: retry decision %v, want transient", d)
			}
			if _, err := r.Fetch(context.Background(), []string{"main"}); !errors.Is(err, gitsource.ErrUnreachable) {
				t.Errorf("Fetch: err = %v, want ErrUnreachable", err)
			}
		})
	}
}

func TestCancelledIsNotUnreachable(t *testing.T) {
	r, _ := open(t, gitsource.Options{URL: stalledServer(t), Branches: []string{"main"}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := r.Heads(ctx)
	if !errors.Is(err, context.Canceled) || errors.Is(err, gitsource.ErrUnreachable) {
		t.Errorf("Heads with a cancelled context: %v, want context.Canceled only", err)
	}
}

func TestUnreachableKeepsCache(t *testing.T) {
	ctx := context.Background()
	rem := newRemote(t, "http", baseFiles)
	r, _ := open(t, gitsource.Options{URL: rem.url, Branches: []string{"main"}})
	head := mustFetch(t, r, "main")["main"].Hash
	rem.srv.SetDown(true)
	if _, err := r.Heads(ctx); !errors.Is(err, gitsource.ErrUnreachable) {
		t.Fatalf("Heads while down: %v", err)
	}
	src, err := r.Source(ctx, head, "")
	if err != nil {
		t.Fatalf("Source of the last fetched commit while the remote is down: %v", err)
	}
	if _, err := src.Read(ctx, "sluice.yaml"); err != nil {
		t.Errorf("Read while the remote is down: %v", err)
	}
}

func TestAuthErrorsAreDistinctAndSecret(t *testing.T) {
	const token = "s3cret-token-value"
	rem := newRemote(t, "http", baseFiles)
	rem.srv.RequireToken(gitsource.DefaultUsername, token)
	tests := []struct {
		name string
		auth gitsource.Auth
		want error
	}{
		{"no token", gitsource.Auth{}, gitsource.ErrAuth},
		{"wrong token", gitsource.Auth{Token: []byte("wrong-" + token)}, gitsource.ErrAuth},
		{"wrong user", gitsource.Auth{Token: []byte(token), Username: "someone"}, gitsource.ErrAuth},
		{"right token", gitsource.Auth{Token: []byte(token)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, logs := open(t, gitsource.Options{URL: rem.url, Auth: tt.auth, Branches: []string{"main"}})
			_, err := r.Heads(context.Background())
			if !errors.Is(err, tt.want) {
				t.Fatalf("Heads: err = %v, want %v", err, tt.want)
			}
			if tt.want != nil {
				if errors.Is(err, gitsource.ErrUnreachable) {
					t.Errorf("auth failure also reported as unreachable: %v", err)
				}
				if d, _ := sluice.RetryOf(err); d != sluice.RetryStalled {
					t.Errorf("retry decision %v, want stalled", d)
				}
				if strings.Contains(err.Error(), token) {
					t.Errorf("error shows the token: %v", err)
				}
			} else {
				mustFetch(t, r, "main")
			}
			if strings.Contains(logs.String(), token) {
				t.Errorf("logs show the token:\n%s", logs)
			}
		})
	}
}

func TestPasswordInURLIsRedacted(t *testing.T) {
	const secret = "pa55word-in-url"
	url := strings.Replace(closedPort(t), "http://", "http://user:"+secret+"@", 1)
	r, logs := open(t, gitsource.Options{URL: url, Branches: []string{"main"}})
	_, err := r.Heads(context.Background())
	if err == nil || strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
		t.Errorf("err = %v; logs:\n%s\nwant an error and no password anywhere", err, logs)
	}
}

func TestOpenRejectsBadOptions(t *testing.T) {
	key, _ := newKey(t)
	tests := []struct {
		name string
		opts gitsource.Options
	}{
		{"no URL", gitsource.Options{Dir: t.TempDir()}},
		{"no cache folder", gitsource.Options{URL: "https://example.com/r.git"}},
		{"token and key", gitsource.Options{URL: "https://example.com/r.git", Dir: t.TempDir(),
			Auth: gitsource.Auth{Token: []byte("t"), SSHKey: key}}},
		{"token over ssh", gitsource.Options{URL: "ssh://git@example.com/r.git", Dir: t.TempDir(),
			Auth: gitsource.Auth{Token: []byte("t")}}},
		{"key over https", gitsource.Options{URL: "https://example.com/r.git", Dir: t.TempDir(),
			Auth: gitsource.Auth{SSHKey: key, KnownHosts: []byte("example.com ssh-ed25519 AAAA\n")}}},
		{"ssh without key", gitsource.Options{URL: "git@example.com:org/r.git", Dir: t.TempDir()}},
		{"key without known_hosts", gitsource.Options{URL: "ssh://git@example.com/r.git", Dir: t.TempDir(),
			Auth: gitsource.Auth{SSHKey: key}}},
		{"wildcard branch", gitsource.Options{URL: "https://example.com/r.git", Dir: t.TempDir(), Branches: []string{"*"}}},
		{"refspec in a branch", gitsource.Options{URL: "https://example.com/r.git", Dir: t.TempDir(), Branches: []string{"a:b"}}},
		{"unparsable key", gitsource.Options{URL: "ssh://git@example.com/r.git", Dir: t.TempDir(),
			Auth: gitsource.Auth{SSHKey: []byte("not a key"), KnownHosts: []byte("example.com ssh-ed25519 AAAA\n")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gitsource.Open(context.Background(), tt.opts)
			if sluice.KindOf(err) != sluice.KindInvalid {
				t.Errorf("Open: err = %v, want an invalid-options error", err)
			}
		})
	}
}

func TestAuthPrintsNoSecret(t *testing.T) {
	const token = "s3cret-token-value"
	opts := gitsource.Options{URL: "https://example.com/r.git", Auth: gitsource.Auth{Token: []byte(token)}}
	for _, format := range []string{"%v", "%+v", "%s"} {
		// %v of a []byte prints its numbers: look for the first few.
		numbers := fmt.Sprintf("%d %d %d %d", token[0], token[1], token[2], token[3])
		if out := fmt.Sprintf(format, opts); strings.Contains(out, token) || strings.Contains(out, numbers) {
			t.Errorf("Sprintf(%q, opts) shows the token: %s", format, out)
		}
	}
}
