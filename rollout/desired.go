package rollout

import (
	"fmt"
	"sort"
	"strings"

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
	// HeldFiles maps each held file to the finding that holds it: a file
	// that cannot be read as documents, or one that names a document
	// whose identity cannot be established. Everything last applied from
	// it is held.
	HeldFiles map[string]string
	// HoldAll is set when the project file is broken: nothing may be
	// pruned.
	HoldAll bool
	// Findings are the errors that concern Env.
	Findings sluice.Diagnostics
	// docs are the documents Resources were compiled from, to compile
	// again the specs a hash cache left out (see fillSpecs).
	docs []*dsl.Document
}

// Compile compiles snap for env at revision, reusing cache when not nil
// (keep one cache per environment). The snapshot's project file must be
// valid (snap.Project not nil) and declare env; invalid documents are
// held and reported in Findings, the rest compiled.
func Compile(snap *project.Snapshot, env, revision string, cache *compile.Cache) *Desired {
	d := &Desired{Snapshot: snap, Env: env, Revision: revision, HoldAll: snap.Project == nil}
	snap.CheckEach(func(e string, docs []*dsl.Document) sluice.Diagnostics {
		if e != env {
			return nil
		}
		var ds sluice.Diagnostics
		d.docs = docs
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
	d.HeldFiles = heldFiles(snap, d.Findings)
	return d
}

// heldFiles maps the files whose resources must all be held to the first
// finding about them: broken files, and files of documents whose
// identity cannot be established.
func heldFiles(snap *project.Snapshot, findings sluice.Diagnostics) map[string]string {
	out := map[string]string{}
	first := func(file, doc string) string {
		for _, f := range findings {
			if f.Pos.File == file && (doc == "" || f.Document == doc) {
				return f.String()
			}
		}
		return ""
	}
	for _, file := range snap.BrokenFiles {
		out[file] = first(file, "")
		if out[file] == "" {
			out[file] = file + ": the file cannot be read as documents"
		}
	}
	for _, doc := range snap.Unidentified() {
		if _, ok := out[doc.File]; ok {
			continue
		}
		why := first(doc.File, doc.ID())
		if why == "" {
			why = fmt.Sprintf("%s: %s: the document's identity cannot be established (a name of its kind that no other document has)", doc.Pos(), doc.ID())
		}
		out[doc.File] = why
	}
	return out
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

// Holds maps everything held because of a finding to that finding
// ("file:line:col: code: message"): each held document (Kind/name), each
// held file (its path), the project file when it is broken, and the
// documents folder when it holds no document at all (an empty desired
// set is never pruned silently). It is empty when nothing is held.
func (d *Desired) Holds() map[string]string {
	out := map[string]string{}
	if d.Snapshot == nil {
		return out
	}
	if d.Snapshot.Project == nil || !d.Snapshot.ProjectOK {
		out[dsl.ProjectFile] = projectFinding(d.Snapshot)
		return out
	}
	for _, f := range d.Findings {
		if f.Document != "" && d.Held[f.Document] && out[f.Document] == "" {
			out[f.Document] = f.String()
		}
	}
	for file, why := range d.HeldFiles {
		out[file] = why
	}
	if len(d.Snapshot.Documents) == 0 && len(d.HeldFiles) == 0 {
		folder := d.Snapshot.Spec.Folder
		if folder == "" {
			folder = dsl.DefaultFolder
		}
		out[folder+"/"] = fmt.Sprintf("%s/: project.empty: the folder holds no document (or does not exist): the desired set of %s is empty; nothing applied is pruned unless the environment allows an empty set",
			folder, d.Env)
	}
	return out
}

func projectFinding(snap *project.Snapshot) string {
	for _, f := range snap.Diagnostics {
		if f.Pos.File == dsl.ProjectFile && f.Severity != sluice.SeverityWarning {
			return f.String()
		}
	}
	if len(snap.Diagnostics) > 0 {
		return snap.Diagnostics[0].String()
	}
	return dsl.ProjectFile + ": the project file is missing or invalid"
}

// Holding reports whether anything is held because of a finding.
func (d *Desired) Holding() bool { return len(d.Holds()) > 0 }

// HoldSummary says in one line what is held and why, "" when nothing
// is: "2 held (deploy/a.yaml: ...; Pipeline/b: ...)".
func (d *Desired) HoldSummary() string {
	holds := d.Holds()
	if len(holds) == 0 {
		return ""
	}
	keys := make([]string, 0, len(holds))
	for k := range holds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = holds[k]
		if !strings.Contains(parts[i], k) {
			parts[i] = k + ": " + parts[i]
		}
	}
	return fmt.Sprintf("%d held at their last applied state: %s", len(keys), strings.Join(parts, "; "))
}
