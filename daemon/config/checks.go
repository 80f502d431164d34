package config

import (
	"fmt"
	"net"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sluice-dev/sluice"
)

// names remembers where each name was first declared.
type names map[string]sluice.Position

// unique records name in seen, or reports it as a repeat of the first
// declaration; why, when not empty, explains the rule.
func (d *decoder) unique(seen names, n *yaml.Node, path, what, name, why string) {
	if name == "" {
		return
	}
	first, repeated := seen[name]
	if !repeated {
		seen[name] = d.pos(n)
		return
	}
	msg := fmt.Sprintf("%s %q is already declared at line %d", what, name, first.Line)
	if why != "" {
		msg += ": " + why
	}
	d.fail(n, path, "%s", msg)
}

// name returns a repository or environment name: lowercase letters,
// digits and dashes, at most 63, starting and ending with a letter or
// digit (it becomes part of AWS names and state-file keys).
func (d *decoder) name(n *yaml.Node, p string) string {
	s := d.str(n, p)
	if s != "" && !validName(s) {
		d.fail(n, p, "%q is not a valid name: use lowercase letters, digits and -, at most 63, starting and ending with a letter or digit", s)
	}
	return s
}

func validName(s string) bool {
	if len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// branch returns a branch's short name, refusing what Git refuses.
func (d *decoder) branch(n *yaml.Node, p string) string {
	s := d.str(n, p)
	switch {
	case s == "":
	case strings.HasPrefix(s, "refs/"):
		d.fail(n, p, "give the branch's short name, without refs/heads/")
	case !validBranch(s):
		d.fail(n, p, "%q is not a valid branch name", s)
	}
	return s
}

func validBranch(s string) bool {
	bad := strings.ContainsAny(s, " ~^:?*[\\\t") || strings.Contains(s, "..") || strings.Contains(s, "@{") ||
		strings.Contains(s, "//") || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "/") ||
		strings.HasSuffix(s, "/") || strings.HasSuffix(s, ".") || strings.HasSuffix(s, ".lock") || s == "@"
	return !bad
}

// oneOf returns the scalar n when it is one of allowed.
func (d *decoder) oneOf(n *yaml.Node, p string, allowed ...string) string {
	s := d.str(n, p)
	if n.Kind == yaml.ScalarNode && !slices.Contains(allowed, s) {
		d.fail(n, p, "%q is not one of: %s", s, strings.Join(allowed, ", "))
		return ""
	}
	return s
}

// listen returns a host:port address to listen on.
func (d *decoder) listen(n *yaml.Node, p string) string {
	s := d.str(n, p)
	_, port, err := net.SplitHostPort(s)
	if n.Kind != yaml.ScalarNode {
		return s
	}
	if num, convErr := strconv.Atoi(port); err != nil || convErr != nil || num < 0 || num > 65535 {
		d.fail(n, p, "%q is not a host:port address such as 127.0.0.1:8080 or :8080", s)
	}
	return s
}

// repoPath returns the project's folder, clean and relative, refusing one
// that leaves the repository.
func (d *decoder) repoPath(n *yaml.Node, p string) string {
	s := d.str(n, p)
	clean := path.Clean(s)
	switch {
	case s == "":
		return DefaultPath
	case path.IsAbs(s):
		d.fail(n, p, "must be relative to the repository's root")
	case clean == ".." || strings.HasPrefix(clean, "../"):
		d.fail(n, p, "must stay inside the repository")
	}
	return clean
}

// envName returns an environment variable's name.
func (d *decoder) envName(n *yaml.Node, p string) string {
	s := d.str(n, p)
	valid := s != "" && (s[0] < '0' || s[0] > '9')
	for _, c := range s {
		valid = valid && (c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')
	}
	if s != "" && !valid {
		d.fail(n, p, "must be an environment variable's name (letters, digits and _)")
	}
	return s
}

// region returns an AWS region such as eu-west-1.
func (d *decoder) region(n *yaml.Node, p string) string {
	s := d.str(n, p)
	parts := strings.Split(s, "-")
	valid := len(parts) >= 3 && len(parts[0]) == 2 && isDigits(parts[len(parts)-1])
	for _, part := range parts[:len(parts)-1] {
		valid = valid && part != "" && strings.Trim(part, "abcdefghijklmnopqrstuvwxyz") == ""
	}
	if s != "" && !valid {
		d.fail(n, p, "%q is not an AWS region such as eu-west-1", s)
	}
	return s
}

// roleARN returns the ARN of an IAM role.
func (d *decoder) roleARN(n *yaml.Node, p string) string {
	s := d.str(n, p)
	if s != "" && !validRoleARN(s) {
		d.fail(n, p, "%q is not an IAM role ARN such as arn:aws:iam::123456789012:role/sluice-dev", s)
	}
	return s
}

func validRoleARN(s string) bool {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "iam" || parts[3] != "" {
		return false
	}
	role, ok := strings.CutPrefix(parts[5], "role/")
	valid := ok && len(parts[4]) == 12 && isDigits(parts[4]) && role != "" && !strings.HasSuffix(role, "/")
	for _, c := range role {
		valid = valid && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("+=,.@_-/", c))
	}
	return valid
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// endpoint returns an http(s) URL of an AWS API endpoint.
func (d *decoder) endpoint(n *yaml.Node, p string) string {
	s := d.str(n, p)
	u, err := url.Parse(s)
	if s != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		d.fail(n, p, "%q is not an http:// or https:// URL", s)
	}
	return s
}
