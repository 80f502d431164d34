package rollout

import (
	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/project"
)

// Desired is one environment's desired state as a snapshot gives it: the
// resources of the valid documents and what must be held.
type Desired struct {
	Snapshot  *project.Snapshot
	Env       string
	Revision  string
	Resources []sluice.Resource
	// Held names the documents whose findings hold what they produced.
	Held map[string]bool
	// HoldAll is set when a file could not be read at all: nothing may
	// be pruned.
	HoldAll bool
	// Findings are the errors that concern Env.
	Findings sluice.Diagnostics
}

// Compile compiles snap for env at revision, reusing cache when not nil
// (keep one cache per environment). The snapshot's project file must be
// valid (snap.Project not nil) and declare env; invalid documents are
// held and reported in Findings, the rest compiled.
func Compile(snap *project.Snapshot, env, revision string, cache *compile.Cache) *Desired {
	d := &Desired{Snapshot: snap, Env: env, Revision: revision, HoldAll: len(snap.BrokenFiles) > 0}
	snap.CheckEach(func(e string, docs []*dsl.Document) sluice.Diagnostics {
		if e != env {
			return nil
		}
		var ds sluice.Diagnostics
		d.Resources, ds = compile.Compile(compile.Input{Project: snap.Project, Documents: docs, Env: env, Revision: revision, Cache: cache})
		return ds
	})
	d.Findings = Findings(snap, env)
	d.Held = make(map[string]bool)
	for _, f := range d.Findings {
		if f.Document != "" {
			d.Held[f.Document] = true
		}
	}
	return d
}

// Findings returns the errors of snap that concern env: those of every
// environment and those of env itself.
func Findings(snap *project.Snapshot, env string) sluice.Diagnostics {
	var out sluice.Diagnostics
	for _, d := range snap.Diagnostics {
		if d.Severity != sluice.SeverityWarning && (d.Env == "" || d.Env == env) {
			out = append(out, d)
		}
	}
	return out
}

// Project returns the project's name.
func (d *Desired) Project() string { return d.Snapshot.Project.Name }
