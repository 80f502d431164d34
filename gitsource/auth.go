package gitsource

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
)

// DefaultUsername is the HTTPS user name sent with a Token when Auth has
// none; GitHub and GitLab accept it for access tokens.
const DefaultUsername = "x-access-token"

// Auth holds the credentials for a remote: a token for HTTPS, or an SSH
// key with the known_hosts lines its host keys are checked against. At
// most one of Token and SSHKey may be set; with neither, the remote is
// read anonymously.
type Auth struct {
	// Token is sent with HTTPS basic auth as the password.
	Token []byte
	// Username goes with Token (DefaultUsername when empty) or, for SSH,
	// is the login (the URL's user, else "git", when empty).
	Username string
	// SSHKey is a PEM private key, unencrypted.
	SSHKey []byte
	// KnownHosts is the content of a known_hosts file, required with
	// SSHKey. Host keys are always checked against it.
	KnownHosts []byte
}

// String describes the auth without its secrets.
func (a Auth) String() string {
	switch {
	case len(a.Token) > 0:
		return "token"
	case len(a.SSHKey) > 0:
		return "ssh-key"
	}
	return "none"
}

// method builds the go-git auth method for the remote ep. It fails when
// the fields do not fit together or with the URL's scheme, or when the key
// or the known_hosts content cannot be parsed.
func (a Auth) method(ep *transport.Endpoint) (transport.AuthMethod, error) {
	overSSH := ep.Protocol == "ssh"
	switch {
	case len(a.Token) > 0 && len(a.SSHKey) > 0:
		return nil, errors.New("auth: set a token or an SSH key, not both")
	case len(a.Token) > 0 && ep.Protocol != "https" && ep.Protocol != "http":
		return nil, fmt.Errorf("auth: a token needs an https URL, not %s", ep.Protocol)
	case len(a.SSHKey) > 0 && !overSSH:
		return nil, fmt.Errorf("auth: an SSH key needs an ssh URL, not %s", ep.Protocol)
	case overSSH && len(a.SSHKey) == 0:
		return nil, errors.New("auth: an ssh URL needs an SSH key")
	case len(a.Token) > 0:
		return &githttp.BasicAuth{Username: a.httpUser(), Password: string(a.Token)}, nil
	case overSSH:
		return a.sshMethod(ep)
	}
	return nil, nil
}

func (a Auth) httpUser() string {
	if a.Username != "" {
		return a.Username
	}
	return DefaultUsername
}

func (a Auth) sshMethod(ep *transport.Endpoint) (transport.AuthMethod, error) {
	user := a.Username
	if user == "" {
		user = ep.User
	}
	if user == "" {
		user = "git"
	}
	keys, err := gitssh.NewPublicKeys(user, a.SSHKey, "")
	if err != nil {
		return nil, errors.New("auth: the SSH key cannot be parsed (an unencrypted PEM private key is needed)")
	}
	port := ep.Port
	if port == 0 {
		port = 22
	}
	cb, algos, err := HostKeyCallback(a.KnownHosts, net.JoinHostPort(ep.Host, strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	keys.HostKeyCallback, keys.HostKeyAlgorithms = cb, algos
	return keys, nil
}

// HostKeyCallback returns a callback that accepts a host's key only when
// the known_hosts content lists it for that host (hashed names, ports,
// wildcards, @revoked and @cert-authority markers honoured), and the host
// key algorithms known for hostport, so that the server offers a key that
// can be checked. A refusal wraps ErrAuth when it reaches a Repo's
// caller. It fails when knownHosts is empty or cannot be parsed.
func HostKeyCallback(knownHosts []byte, hostport string) (ssh.HostKeyCallback, []string, error) {
	if len(knownHosts) == 0 {
		return nil, nil, errors.New("auth: known_hosts is required with an SSH key; host keys are never accepted unchecked")
	}
	f, err := os.CreateTemp("", "sluice-known-hosts-*")
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = os.Remove(f.Name()) }()
	_, werr := f.Write(knownHosts)
	if err := errors.Join(werr, f.Close()); err != nil {
		return nil, nil, err
	}
	db, err := gitssh.NewKnownHostsDb(f.Name())
	if err != nil {
		return nil, nil, fmt.Errorf("auth: known_hosts: %w", err)
	}
	check := db.HostKeyCallback()
	cb := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		if err := check(hostname, remote, key); err != nil {
			return &hostKeyError{err: err}
		}
		return nil
	}
	return cb, db.HostKeyAlgorithms(hostport), nil
}
