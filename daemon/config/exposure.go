package config

import (
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// exposure is a host path an environment's sandboxed local steps may
// read: its workdir or one of its sandbox's readOnly paths.
type exposure struct {
	local *Local
	node  *yaml.Node
	path  string // the field's path in the configuration
	dir   string
}

// expose records that the steps of l may read dir, set at node n.
func (d *decoder) expose(l *Local, n *yaml.Node, path, dir string) {
	if dir != "" {
		d.exposures = append(d.exposures, exposure{local: l, node: n, path: path, dir: filepath.Clean(dir)})
	}
}

// checkExposures refuses a path that sandboxed steps may read when it is,
// or holds, what a step must never read: the state file, a secret file,
// or a local data directory (records, job logs, every environment's
// buckets); or when it lies inside a data directory. An environment
// whose sandbox is off is not checked: its steps read all the daemon
// can, as its configuration says.
func (d *decoder) checkExposures(c *Config) {
	type guarded struct{ what, path string }
	var guards []guarded
	if c.StateFile != "" {
		guards = append(guards, guarded{"the state file", c.StateFile})
	}
	for _, f := range d.secretFiles {
		guards = append(guards, guarded{"the secret file", f})
	}
	for _, dir := range d.dataDirs {
		guards = append(guards, guarded{"the local data directory", dir})
	}
	for _, e := range d.exposures {
		if e.local.Sandbox != nil && e.local.Sandbox.Off {
			continue
		}
		for _, g := range guards {
			switch {
			case within(filepath.Clean(g.path), e.dir):
				d.fail(e.node, e.path, "%s holds %s %s: sandboxed steps would read it; give steps a folder that holds no state, secret or data directory", e.dir, g.what, g.path)
			case g.what == "the local data directory" && within(e.dir, g.path):
				d.fail(e.node, e.path, "%s is inside %s %s: sandboxed steps would read what the backend keeps there (records, job logs, every environment's buckets)", e.dir, g.what, g.path)
			}
		}
	}
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}
