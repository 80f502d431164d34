package config

import (
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// environment decodes one item of a repository's environments; branches
// and envs hold the repository's branches and environments already
// mapped.
func (d *decoder) environment(n *yaml.Node, path string, branches, envs names) Environment {
	e := Environment{Sync: SyncAuto, DriftInterval: DefaultDriftInterval}
	present := d.mapping(n, path, map[string]field{
		"name": func(v *yaml.Node, p string) {
			e.Name = d.name(v, p)
			if _, again := envs[e.Name]; again {
				d.unique(envs, v, p, "environment", e.Name, "a repository deploys each of its environments once")
				return
			}
			d.unique(envs, v, p, "environment", e.Name, "")
		},
		"branch": func(v *yaml.Node, p string) {
			e.Branch = d.branch(v, p)
			d.unique(branches, v, p, "branch", e.Branch, "a branch deploys one environment")
		},
		"backend":       func(v *yaml.Node, p string) { e.Backend = Backend(d.oneOf(v, p, "aws", "local")) },
		"aws":           func(v *yaml.Node, p string) { e.AWS = d.aws(v, p) },
		"local":         func(v *yaml.Node, p string) { e.Local = d.local(v, p) },
		"sync":          func(v *yaml.Node, p string) { e.Sync = SyncPolicy(d.oneOf(v, p, "auto", "manual")) },
		"prune":         func(v *yaml.Node, p string) { e.Prune = d.boolean(v, p) },
		"allowEmpty":    func(v *yaml.Node, p string) { e.AllowEmpty = d.boolean(v, p) },
		"protected":     func(v *yaml.Node, p string) { e.Protected = d.boolean(v, p) },
		"driftInterval": func(v *yaml.Node, p string) { e.DriftInterval = d.duration(v, p, MinDriftInterval, true) },
	}, "")
	d.require(n, path, present, "name", "branch", "backend")
	d.checkBackend(n, path, e.Backend, present)
	return e
}

// checkBackend requires the block of the environment's backend and
// refuses the other's.
func (d *decoder) checkBackend(n *yaml.Node, path string, backend Backend, present map[string]*yaml.Node) {
	if present == nil || backend == "" {
		return
	}
	for _, b := range []Backend{BackendAWS, BackendLocal} {
		block := present[string(b)]
		switch {
		case backend == b && block == nil:
			d.fail(n, join(path, string(b)), "required with backend: %s", b)
		case backend != b && block != nil:
			d.fail(block, join(path, string(b)), "only with backend: %s", b)
		}
	}
}

// aws decodes an environment's AWS target.
func (d *decoder) aws(n *yaml.Node, path string) *AWS {
	a := &AWS{}
	present := d.mapping(n, path, map[string]field{
		"region":           func(v *yaml.Node, p string) { a.Region = d.region(v, p) },
		"roleArn":          func(v *yaml.Node, p string) { a.RoleARN = d.roleARN(v, p) },
		"externalId":       func(v *yaml.Node, p string) { a.ExternalID = d.str(v, p) },
		"endpoint":         func(v *yaml.Node, p string) { a.Endpoint = d.endpoint(v, p) },
		"statesRoleArn":    func(v *yaml.Node, p string) { a.StatesRoleARN = d.roleARN(v, p) },
		"schedulerRoleArn": func(v *yaml.Node, p string) { a.SchedulerRoleARN = d.roleARN(v, p) },
		"s3PathStyle":      func(v *yaml.Node, p string) { a.S3PathStyle = d.boolean(v, p) },
		"quotas":           func(v *yaml.Node, p string) { a.Quotas = d.quotas(v, p) },
	}, "")
	if present == nil {
		return nil
	}
	d.require(n, path, present, "region")
	if present["s3PathStyle"] == nil {
		a.S3PathStyle = a.Endpoint != ""
	}
	if present["externalId"] != nil && present["roleArn"] == nil {
		d.fail(present["externalId"], join(path, "externalId"), "only with roleArn")
	}
	at := n
	if present["quotas"] != nil {
		at = present["quotas"]
	}
	d.sameQuotas(a, at, path)
	return a
}

// local decodes an environment's local target.
func (d *decoder) local(n *yaml.Node, path string) *Local {
	l := &Local{}
	present := d.mapping(n, path, map[string]field{
		"dir": func(v *yaml.Node, p string) {
			l.Dir = d.path(v, p)
			if l.Dir != "" {
				d.dataDirs = append(d.dataDirs, filepath.Clean(l.Dir))
			}
		},
		"workdir": func(v *yaml.Node, p string) {
			l.Workdir = d.path(v, p)
			d.expose(l, v, p, l.Workdir)
		},
		"postgresDSN": func(v *yaml.Node, p string) { l.PostgresDSN = d.secret(v, p) },
		"sandbox":     func(v *yaml.Node, p string) { l.Sandbox = d.sandbox(l, v, p) },
	}, "")
	if present == nil {
		return nil
	}
	d.require(n, path, present, "dir")
	return l
}

// sandbox decodes the sandbox of an environment's local steps.
func (d *decoder) sandbox(l *Local, n *yaml.Node, path string) *LocalSandbox {
	s := &LocalSandbox{}
	present := d.mapping(n, path, map[string]field{
		"off":   func(v *yaml.Node, p string) { s.Off = d.boolean(v, p) },
		"bwrap": func(v *yaml.Node, p string) { s.Bwrap = d.path(v, p) },
		"readOnly": func(v *yaml.Node, p string) {
			d.list(v, p, func(item *yaml.Node, p string) {
				if ro := d.str(item, p); ro != "" && !filepath.IsAbs(ro) {
					d.fail(item, p, "%q must be an absolute path", ro)
				} else if ro != "" {
					s.ReadOnly = append(s.ReadOnly, filepath.Clean(ro))
					d.expose(l, item, p, ro)
				}
			})
		},
	}, "")
	if present == nil {
		return nil
	}
	return s
}
