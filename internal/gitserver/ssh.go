package gitserver

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// SSHServer serves the bare repositories of one folder over SSH on
// 127.0.0.1, running git-upload-pack and git-receive-pack for clients
// that present the authorized key. Its host key is made fresh for each
// server.
type SSHServer struct {
	ln       net.Listener
	cfg      *ssh.ServerConfig
	hostKey  ssh.PublicKey
	dir      string
	sessions atomic.Int64
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    map[net.Conn]bool // open connections, closed when the test ends
	closed   bool
}

// StartSSH serves the bare repositories under dir over SSH until the test
// ends, accepting only clients that authenticate with authorized.
func StartSSH(tb testing.TB, dir string, authorized ssh.PublicKey) *SSHServer {
	tb.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := &ssh.ServerConfig{PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
		if string(key.Marshal()) != string(authorized.Marshal()) {
			return nil, errors.New("unknown key")
		}
		return &ssh.Permissions{}, nil
	}}
	cfg.AddHostKey(signer)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &SSHServer{ln: ln, cfg: cfg, hostKey: signer.PublicKey(), dir: dir, conns: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.accept()
	tb.Cleanup(s.close)
	return s
}

// URL returns the ssh:// URL of the repository repo, a path relative to
// the served folder.
func (s *SSHServer) URL(repo string) string {
	return "ssh://git@" + s.ln.Addr().String() + filepath.ToSlash(filepath.Join(s.dir, repo))
}

// Addr returns the server's host:port.
func (s *SSHServer) Addr() string { return s.ln.Addr().String() }

// KnownHosts returns a known_hosts line vouching for the server's host
// key.
func (s *SSHServer) KnownHosts() []byte {
	return []byte(knownhosts.Line([]string{knownhosts.Normalize(s.ln.Addr().String())}, s.hostKey) + "\n")
}

// Sessions returns how many Git commands clients have run.
func (s *SSHServer) Sessions() int { return int(s.sessions.Load()) }

// close stops accepting, closes the open connections and waits for their
// handlers.
func (s *SSHServer) close() {
	_ = s.ln.Close()
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *SSHServer) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = conn.Close()
			return
		}
		s.conns[conn] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			s.serve(conn)
			s.mu.Lock()
			delete(s.conns, conn)
			s.mu.Unlock()
		}()
	}
}

func (s *SSHServer) serve(conn net.Conn) {
	defer func() { _ = conn.Close() }()
	sc, chans, reqs, err := ssh.NewServerConn(conn, s.cfg)
	if err != nil {
		return
	}
	defer func() { _ = sc.Close() }()
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "sessions only")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			return
		}
		s.session(ch, creqs)
	}
}

// session runs the first exec request of a channel and reports its exit
// status.
func (s *SSHServer) session(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer func() { _ = ch.Close() }()
	for req := range reqs {
		if req.Type != "exec" {
			_ = req.Reply(false, nil)
			continue
		}
		cmd, ok := s.command(req.Payload)
		_ = req.Reply(ok, nil)
		if !ok {
			return
		}
		s.sessions.Add(1)
		status := run(cmd, ch)
		_, _ = ch.SendRequest("exit-status", false, binary.BigEndian.AppendUint32(nil, status))
		return
	}
}

// command parses "git-upload-pack '/path'" into a command serving a
// repository under the served folder.
func (s *SSHServer) command(payload []byte) (*exec.Cmd, bool) {
	if len(payload) < 4 {
		return nil, false
	}
	line := string(payload[4:])
	name, arg, _ := strings.Cut(line, " ")
	if name != "git-upload-pack" && name != "git-receive-pack" {
		return nil, false
	}
	repo := filepath.Clean(strings.Trim(arg, "'"))
	if !strings.HasPrefix(repo, filepath.Clean(s.dir)+string(filepath.Separator)) {
		return nil, false
	}
	return exec.CommandContext(context.Background(), name, repo), true
}

// run runs cmd with ch as its standard streams and returns its exit code.
func run(cmd *exec.Cmd, ch ssh.Channel) uint32 {
	cmd.Stdout, cmd.Stderr = ch, ch.Stderr()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 1
	}
	if err := cmd.Start(); err != nil {
		return 127
	}
	go func() {
		_, _ = io.Copy(stdin, ch)
		_ = stdin.Close()
	}()
	var exit *exec.ExitError
	if err := cmd.Wait(); errors.As(err, &exit) {
		return uint32(exit.ExitCode())
	} else if err != nil {
		return 1
	}
	return 0
}
