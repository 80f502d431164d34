package daemon

import (
	"net/url"
	"regexp"
	"strings"
)

// forges are the hosts whose commit pages the status links to, with
// the path of a commit under a repository.
func forges() map[string]string {
	return map[string]string{
		"github.com": "/commit/",
		"gitlab.com": "/-/commit/",
	}
}

var revisionRE = regexp.MustCompile(`^[0-9a-f]{7,64}$`)

// commitLink returns the address of revision's page on the forge that
// hosts repoURL (https://, ssh:// or git@host:path), or "" when the host
// is not a known forge or revision is not a commit hash. Credentials in
// the URL are never part of the link.
func commitLink(repoURL, revision string) string {
	if !revisionRE.MatchString(revision) {
		return ""
	}
	host, path := "", ""
	if strings.Contains(repoURL, "://") {
		u, err := url.Parse(repoURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "ssh") {
			return ""
		}
		host, path = u.Hostname(), u.Path
	} else {
		hostPart, p, ok := strings.Cut(repoURL, ":")
		if !ok {
			return ""
		}
		_, host, _ = strings.Cut("@"+hostPart, "@")
		if i := strings.LastIndexByte(host, '@'); i >= 0 {
			host = host[i+1:]
		}
		path = "/" + p
	}
	sep, ok := forges()[strings.ToLower(host)]
	path = strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	if !ok || strings.Count(path, "/") < 1 || strings.ContainsAny(path, "?#") {
		return ""
	}
	return "https://" + strings.ToLower(host) + "/" + path + sep + revision
}
