package config

import (
	"errors"
	"net"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"
)

// Transports a repository URL may use.
const (
	transportHTTPS = "https"
	transportHTTP  = "http"
	transportSSH   = "ssh"
	transportFile  = "file"
)

// remote is what the daemon needs to know of a repository URL.
type remote struct {
	transport, user, host string
	password              bool
}

// errScheme is returned by parseRemote for a URL it does not take.
var errScheme = errors.New("not a supported repository URL: use https://, ssh://, git@host:path or file:///path")

// parseRemote reads a repository URL: https://, http://, ssh://, file://
// or the scp-like git@host:path.
func parseRemote(raw string) (remote, error) {
	if !strings.Contains(raw, "://") {
		return parseSCP(raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return remote{}, errScheme
	}
	r := remote{transport: u.Scheme, host: u.Hostname(), user: u.User.Username()}
	_, r.password = u.User.Password()
	switch {
	case r.transport == transportFile && (u.Host != "" || !strings.HasPrefix(u.Path, "/")):
		return remote{}, errors.New("a file:// URL names an absolute path: file:///path")
	case r.transport == transportFile:
		return r, nil
	case r.transport != transportHTTPS && r.transport != transportHTTP && r.transport != transportSSH:
		return remote{}, errScheme
	case r.host == "":
		return remote{}, errors.New("the URL names no host")
	}
	return r, nil
}

// parseSCP reads the scp-like form [user@]host:path.
func parseSCP(raw string) (remote, error) {
	hostPart, repoPath, ok := strings.Cut(raw, ":")
	if !ok || repoPath == "" || strings.Contains(hostPart, "/") {
		return remote{}, errScheme
	}
	user, host, hasUser := strings.Cut(hostPart, "@")
	if !hasUser {
		user, host = "", hostPart
	}
	if host == "" {
		return remote{}, errScheme
	}
	return remote{transport: transportSSH, user: user, host: host}, nil
}

// loopback says whether host names this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkRemote validates the repository's URL against its auth and fills
// in the auth's default username.
func (d *decoder) checkRemote(r *Repository, path string, present map[string]*yaml.Node) {
	urlNode, urlPath := present["url"], join(path, "url")
	rem, err := parseRemote(r.URL)
	switch {
	case r.URL == "":
		return
	case err != nil:
		d.fail(urlNode, urlPath, "%s", err.Error())
		return
	case rem.password:
		d.fail(urlNode, urlPath, "the URL holds a password: give it as auth.token")
	}
	if r.Auth == nil {
		d.checkPlainHTTP(rem, urlNode, urlPath, false)
		return
	}
	authNode, authPath := present["auth"], join(path, "auth")
	switch {
	case rem.transport == transportFile:
		d.fail(authNode, authPath, "a file:// repository takes no auth")
	case r.Auth.SSHKey != nil && rem.transport != transportSSH:
		d.fail(authNode, authPath, "sshKey authenticates over ssh; this URL uses %s", rem.transport)
	case r.Auth.Token != nil && rem.transport == transportSSH:
		d.fail(authNode, authPath, "token authenticates over https; this URL uses ssh")
	}
	d.checkPlainHTTP(rem, urlNode, urlPath, r.Auth.Token != nil)
	r.Auth.Username = defaultUsername(r.Auth, rem)
}

// checkPlainHTTP refuses sending a token over plain http beyond this
// machine, and warns about plain http there at all.
func (d *decoder) checkPlainHTTP(rem remote, n *yaml.Node, p string, token bool) {
	switch {
	case rem.transport != transportHTTP || loopback(rem.host):
	case token:
		d.fail(n, p, "plain http:// would send the token unencrypted: use https://")
	default:
		d.warn(n, p, "plain http:// is neither encrypted nor authenticated: use https://")
	}
}

// defaultUsername is the auth's username, else the URL's, else the
// transport's usual one.
func defaultUsername(a *Auth, rem remote) string {
	switch {
	case a.Username != "":
		return a.Username
	case rem.user != "":
		return rem.user
	case rem.transport == transportSSH:
		return "git"
	}
	return DefaultUsername
}
