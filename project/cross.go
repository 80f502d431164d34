package project

import (
	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// crossCheck runs the checks that need the whole repository: one document
// per Kind/name, and references from pipelines to the stores and compute
// environments they use.
func crossCheck(snap *Snapshot) sluice.Diagnostics {
	diags := checkDuplicates(snap.Documents)
	names := make(map[string][]string)
	for _, d := range snap.Documents {
		names[d.Kind] = append(names[d.Kind], d.Name)
	}
	for _, d := range snap.Documents {
		if d.Kind != dsl.KindPipeline {
			continue
		}
		for _, g := range mergeGroups(d, snap.Spec.Environments) {
			if !snap.isInvalidNow(d.ID(), g.key, diags) {
				diags = append(diags, g.attribute(checkRefs(snap, d, g.key, names))...)
			}
		}
	}
	return diags
}

// isInvalidNow reports whether the document already has findings, among
// those of the snapshot so far and extra.
func (s *Snapshot) isInvalidNow(id, env string, extra sluice.Diagnostics) bool {
	for _, list := range []sluice.Diagnostics{s.Diagnostics, extra} {
		for _, d := range list {
			if d.Document == id && (d.Env == "" || d.Env == env || env == "") {
				return true
			}
		}
	}
	return false
}

func checkDuplicates(docs []*dsl.Document) sluice.Diagnostics {
	first := make(map[string]*dsl.Document)
	var diags sluice.Diagnostics
	for _, d := range docs {
		prev, dup := first[d.ID()]
		if !dup {
			first[d.ID()] = d
			continue
		}
		diags = append(diags,
			docError(d, "", d.Locate("metadata", "name"), "document.duplicate",
				"%s is also defined at %s; names must be unique per kind", d.ID(), prev.Locate("metadata", "name")),
			docError(prev, "", prev.Locate("metadata", "name"), "document.duplicate",
				"%s is also defined at %s; names must be unique per kind", d.ID(), d.Locate("metadata", "name")))
	}
	return diags
}

// checkRefs checks that the artifact store and compute environments a
// pipeline names in env exist, falling back to the project defaults. It
// reads the memoised typed spec; positions are looked up only for
// findings.
func checkRefs(snap *Snapshot, d *dsl.Document, env string, names map[string][]string) sluice.Diagnostics {
	spec, err := d.PipelineSpec(env)
	if err != nil {
		return nil // reported by the per-document checks
	}
	defaults := snap.Spec.Defaults
	var diags sluice.Diagnostics
	check := func(kind, field, own, fallback string, path ...string) {
		name := own
		pos := func() sluice.Position { return d.LocateIn(env, false, append([]string{"spec"}, path...)...) }
		if name == "" {
			name = fallback
			pos = func() sluice.Position { return snap.Project.Locate("spec", "defaults", field) }
		}
		switch {
		case name == "" && len(path) == 1:
			diags = append(diags, docError(d, env, d.Locate("spec"), "ref.missing",
				"pipeline names no %s: set spec.%s, or defaults.%s in %s", kind, field, field, dsl.ProjectFile))
		case name != "" && !contains(names[kind], name):
			diags = append(diags, docError(d, env, pos(), "ref.unknown",
				"no %s named %q%s; known: %v", kind, name, dsl.DidYouMean(name, names[kind]), names[kind]))
		}
	}
	check(dsl.KindArtifactStore, "artifactStore", spec.ArtifactStore, defaults.ArtifactStore, "artifactStore")
	check(dsl.KindComputeEnvironment, "compute", spec.Compute, defaults.Compute, "compute")
	for i, st := range spec.Steps {
		if st.Compute != "" {
			check(dsl.KindComputeEnvironment, "compute", st.Compute, "", "steps", itoa(i), "compute")
		}
	}
	return diags
}
