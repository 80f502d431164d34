package project

import (
	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// crossCheck runs the checks that need the whole repository: one document
// per Kind/name, and references from pipelines to the stores and compute
// environments they use.
func crossCheck(snap *Snapshot, refs map[*dsl.Document][]pipelineRefs) sluice.Diagnostics {
	diags := checkDuplicates(snap.Documents)
	names := make(map[string][]string)
	for _, d := range snap.Documents {
		names[d.Kind] = append(names[d.Kind], d.Name)
	}
	for _, d := range snap.Documents {
		if d.Kind != dsl.KindPipeline {
			continue
		}
		known, ok := refs[d]
		for _, g := range mergeGroups(d, snap.Spec.Environments) {
			if snap.isInvalidNow(d.ID(), g.key, diags) {
				continue
			}
			r, found := findRefs(known, g.key)
			if !ok || !found {
				r, found = readRefs(d, g.key)
			}
			if found {
				diags = append(diags, g.attribute(checkRefs(snap, d, g.key, r, names))...)
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

// pipelineRefs are the names of documents a pipeline refers to in one of
// its merged forms (key as in mergeGroup): read once, when its file is
// checked, and kept with the file's result, so that a load in which the
// file did not change checks them without reading the pipeline again.
type pipelineRefs struct {
	key           string
	artifactStore string
	compute       string
	// stepCompute is each step's compute environment, "" when it names
	// none, by step index.
	stepCompute []string
}

// readRefs reads the references of d as merged for key from its typed
// spec; found is false when the spec does not read (a finding the
// per-document checks report).
func readRefs(d *dsl.Document, key string) (pipelineRefs, bool) {
	spec, err := d.PipelineSpec(key)
	if err != nil {
		return pipelineRefs{}, false
	}
	r := pipelineRefs{key: key, artifactStore: spec.ArtifactStore, compute: spec.Compute}
	for i, st := range spec.Steps {
		if st.Compute != "" {
			if r.stepCompute == nil {
				r.stepCompute = make([]string, len(spec.Steps))
			}
			r.stepCompute[i] = st.Compute
		}
	}
	return r, true
}

func findRefs(list []pipelineRefs, key string) (pipelineRefs, bool) {
	for _, r := range list {
		if r.key == key {
			return r, true
		}
	}
	return pipelineRefs{}, false
}

// checkRefs checks that the artifact store and compute environments a
// pipeline names in env exist, falling back to the project defaults.
// Positions are looked up only for findings.
func checkRefs(snap *Snapshot, d *dsl.Document, env string, refs pipelineRefs, names map[string][]string) sluice.Diagnostics {
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
	check(dsl.KindArtifactStore, "artifactStore", refs.artifactStore, defaults.ArtifactStore, "artifactStore")
	check(dsl.KindComputeEnvironment, "compute", refs.compute, defaults.Compute, "compute")
	for i, name := range refs.stepCompute {
		if name != "" {
			check(dsl.KindComputeEnvironment, "compute", name, "", "steps", itoa(i), "compute")
		}
	}
	return diags
}
