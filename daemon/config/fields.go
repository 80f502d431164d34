package config

import (
	"gopkg.in/yaml.v3"
)

// literalHint explains why a secret's value cannot be written in place.
const literalHint = "a secret is never written in the configuration: give {file: PATH} or {env: VARIABLE}"

// config decodes the root mapping.
func (d *decoder) config(n *yaml.Node) *Config {
	c := &Config{Listen: DefaultListen, HistoryDepth: DefaultHistoryDepth, HTTP: defaultHTTP(), Runs: Runs{Retention: DefaultRunRetention}}
	repos := names{}
	present := d.mapping(n, "", map[string]field{
		"listen":    func(v *yaml.Node, p string) { c.Listen = d.listen(v, p) },
		"stateFile": func(v *yaml.Node, p string) { c.StateFile = d.path(v, p) },
		"apiToken":  func(v *yaml.Node, p string) { c.APIToken = d.secret(v, p) },
		"readTokens": func(v *yaml.Node, p string) {
			d.list(v, p, func(item *yaml.Node, ip string) {
				if s := d.secret(item, ip); s != nil {
					c.ReadTokens = append(c.ReadTokens, *s)
				}
			})
		},
		"anonymousRead": func(v *yaml.Node, p string) { c.AnonymousRead = d.boolean(v, p) },
		"http":          func(v *yaml.Node, p string) { d.httpSection(v, p, &c.HTTP) },
		"historyDepth":  func(v *yaml.Node, p string) { c.HistoryDepth = d.integer(v, p, 1) },
		"runs":          func(v *yaml.Node, p string) { d.runsSection(v, p, &c.Runs) },
		"repositories": func(v *yaml.Node, p string) {
			d.list(v, p, func(item *yaml.Node, ip string) {
				c.Repositories = append(c.Repositories, d.repository(item, ip, repos))
			})
		},
	}, "")
	d.require(n, "", present, "stateFile", "repositories")
	if c.Runs.File == "" && c.Runs.Embedded() {
		c.Runs.File = defaultRunsFile(c.StateFile)
	}
	c.HTTP.allowHosts(c.Listen)
	d.checkExposures(c)
	return c
}

// repository decodes one item of repositories; repos holds the names
// already declared.
func (d *decoder) repository(n *yaml.Node, path string, repos names) Repository {
	r := Repository{Path: DefaultPath, PollInterval: DefaultPollInterval}
	branches, envs := names{}, names{}
	present := d.mapping(n, path, map[string]field{
		"name": func(v *yaml.Node, p string) {
			r.Name = d.name(v, p)
			d.unique(repos, v, p, "repository", r.Name, "")
		},
		"url":          func(v *yaml.Node, p string) { r.URL = d.str(v, p) },
		"path":         func(v *yaml.Node, p string) { r.Path = d.repoPath(v, p) },
		"auth":         func(v *yaml.Node, p string) { r.Auth = d.auth(v, p) },
		"pollInterval": func(v *yaml.Node, p string) { r.PollInterval = d.duration(v, p, MinPollInterval, false) },
		"webhooks":     func(v *yaml.Node, p string) { r.Webhooks = d.webhooks(v, p) },
		"environments": func(v *yaml.Node, p string) {
			d.list(v, p, func(item *yaml.Node, ip string) {
				r.Environments = append(r.Environments, d.environment(item, ip, branches, envs))
			})
		},
	}, "")
	d.require(n, path, present, "name", "url", "environments")
	for i := range r.Environments {
		r.Environments[i].Repository = r.Name
	}
	if present["url"] != nil {
		d.checkRemote(&r, path, present)
	}
	return r
}

// auth decodes a repository's credentials.
func (d *decoder) auth(n *yaml.Node, path string) *Auth {
	a := &Auth{}
	present := d.mapping(n, path, map[string]field{
		"username":   func(v *yaml.Node, p string) { a.Username = d.str(v, p) },
		"token":      func(v *yaml.Node, p string) { a.Token = d.secret(v, p) },
		"sshKey":     func(v *yaml.Node, p string) { a.SSHKey = d.secret(v, p) },
		"knownHosts": func(v *yaml.Node, p string) { a.KnownHosts = d.secret(v, p) },
	}, "")
	switch {
	case present == nil:
		return nil
	case present["token"] != nil && present["sshKey"] != nil:
		d.fail(present["sshKey"], join(path, "sshKey"), "give token or sshKey, not both")
	case present["token"] == nil && present["sshKey"] == nil:
		d.fail(n, path, "give token (https) or sshKey (ssh)")
	case present["sshKey"] != nil && present["knownHosts"] == nil:
		d.fail(n, join(path, "knownHosts"), "required with sshKey: the server's host key is always checked")
	case present["sshKey"] == nil && present["knownHosts"] != nil:
		d.fail(present["knownHosts"], join(path, "knownHosts"), "only with sshKey")
	}
	return a
}

// webhooks decodes the webhook providers a repository accepts.
func (d *decoder) webhooks(n *yaml.Node, path string) Webhooks {
	var w Webhooks
	d.mapping(n, path, map[string]field{
		"github":  func(v *yaml.Node, p string) { w.GitHub = d.hook(v, p, "secret") },
		"gitlab":  func(v *yaml.Node, p string) { w.GitLab = d.hook(v, p, "token") },
		"generic": func(v *yaml.Node, p string) { w.Generic = d.hook(v, p, "secret") },
	}, "")
	return w
}

// hook decodes one provider's block, whose only key holds its secret.
func (d *decoder) hook(n *yaml.Node, path, key string) *Secret {
	var s *Secret
	present := d.mapping(n, path, map[string]field{
		key: func(v *yaml.Node, p string) { s = d.secret(v, p) },
	}, "")
	d.require(n, path, present, key)
	return s
}

// secret decodes a reference to a secret: a file or a variable.
func (d *decoder) secret(n *yaml.Node, path string) *Secret {
	if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
		d.fail(n, path, literalHint)
		return nil
	}
	s := &Secret{}
	present := d.mapping(n, path, map[string]field{
		"file": func(v *yaml.Node, p string) {
			s.File = d.path(v, p)
			if s.File != "" {
				d.secretFiles = append(d.secretFiles, s.File)
			}
		},
		"env": func(v *yaml.Node, p string) { s.Env = d.envName(v, p) },
	}, literalHint)
	switch {
	case present == nil:
		return nil
	case present["file"] != nil && present["env"] != nil:
		d.fail(n, path, "give file or env, not both")
	case len(present) < len(n.Content)/2:
		// An unknown key, already reported with the hint.
	case present["file"] == nil && present["env"] == nil:
		d.fail(n, path, "give file or env")
	case s.File == "" && s.Env == "":
		d.fail(n, path, "the file or variable name is empty")
	}
	return s
}
