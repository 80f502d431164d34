package project

import (
	"strconv"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// checkFile parses one file and checks each of its documents on its own,
// in every environment: schema, pipeline graph and parameters. Checks that
// need other documents run later, in crossCheck.
func (l *Loader) checkFile(path string, data []byte, envs []string) fileResult {
	f, diags := dsl.ParseFile(path, data, l.opts.Limits)
	if len(diags) > 0 {
		return fileResult{diags: diags, broken: true}
	}
	r := fileResult{docs: f.Documents}
	for _, doc := range f.Documents {
		diags, refs := l.checkDocument(doc, envs)
		r.diags = append(r.diags, diags...)
		if len(refs) > 0 {
			r.refs = append(r.refs, docRefs{doc: doc, refs: refs})
		}
	}
	// The node trees are most of a loaded document's memory and are
	// needed only to place a finding: a later one (a cross-document
	// check, the compiler) parses the file again, once.
	for _, doc := range f.Documents {
		doc.ReleaseTree()
		if l.opts.ReleaseChecked && doc.Kind == dsl.KindPipeline {
			doc.Release()
		}
	}
	return r
}

// checkDocument checks doc in each of its merged forms and returns its
// findings and, for a pipeline, the references of each form without
// findings (for crossCheck).
func (l *Loader) checkDocument(doc *dsl.Document, envs []string) (sluice.Diagnostics, []pipelineRefs) {
	if doc.Kind == dsl.KindProject {
		return sluice.Diagnostics{docError(doc, "", doc.Locate("kind"), "project.misplaced",
			"a Project document belongs in %s at the repository root, not here", dsl.ProjectFile)}, nil
	}
	diags := checkOverrideNames(doc, envs)
	if doc.Kind == dsl.KindPipeline {
		if d := expandTemplate(doc); d != nil {
			return append(diags, *d), nil
		}
	}
	var refs []pipelineRefs
	for _, group := range mergeGroups(doc, envs) {
		merged := doc.Merged(group.key)
		ds := l.opts.Validator.Validate(doc, group.key, merged)
		if len(ds) == 0 && doc.Kind == dsl.KindPipeline {
			ds = checkPipeline(doc, group.key, merged)
			if r, ok := readRefs(doc, group.key); ok && len(ds) == 0 {
				refs = append(refs, r)
			}
		}
		diags = append(diags, group.attribute(ds)...)
	}
	return diags, refs
}

// mergeGroup is a set of environments in which a document merges to the
// same spec: the ones it overrides each stand alone, the rest share the
// spec as written (key "").
type mergeGroup struct {
	key  string
	envs []string
}

// mergeGroups returns the distinct merged forms of doc across envs, so
// each is checked once.
func mergeGroups(doc *dsl.Document, envs []string) []mergeGroup {
	if len(doc.OverrideEnvs()) == 0 {
		return []mergeGroup{{key: ""}}
	}
	base := mergeGroup{key: ""}
	var out []mergeGroup
	for _, env := range envs {
		if doc.HasOverride(env) {
			out = append(out, mergeGroup{key: env, envs: []string{env}})
		} else {
			base.envs = append(base.envs, env)
		}
	}
	if len(base.envs) > 0 {
		out = append(out, base)
	}
	return out
}

// attribute labels findings with the environments of the group: none for
// a document that is the same everywhere, else one copy per environment.
func (g mergeGroup) attribute(ds sluice.Diagnostics) sluice.Diagnostics {
	if len(g.envs) == 0 || len(ds) == 0 {
		return ds
	}
	out := make(sluice.Diagnostics, 0, len(ds)*len(g.envs))
	for _, env := range g.envs {
		for _, d := range ds {
			d.Env = env
			out = append(out, d)
		}
	}
	return out
}

// checkOverrideNames reports overrides for environments the project does
// not declare, and overrides that are not mappings.
func checkOverrideNames(doc *dsl.Document, envs []string) sluice.Diagnostics {
	raw, ok := doc.Value()["environments"]
	if !ok {
		return nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return sluice.Diagnostics{docError(doc, "", doc.Locate("environments"), "environment.not-mapping",
			"environments must map environment names to overrides of spec")}
	}
	var diags sluice.Diagnostics
	for _, env := range doc.OverrideEnvs() {
		if !contains(envs, env) {
			diags = append(diags, docError(doc, "", doc.LocateKey("environments", env), "environment.unknown",
				"environment %q is not declared in %s%s; declared: %v", env, dsl.ProjectFile, dsl.DidYouMean(env, envs), envs))
		}
		if _, ok := m[env].(map[string]any); !ok {
			diags = append(diags, docError(doc, "", doc.Locate("environments", env), "environment.not-mapping",
				"the override for %q must be a mapping of spec fields", env))
		}
	}
	return diags
}

func docError(doc *dsl.Document, env string, pos sluice.Position, code, format string, args ...any) sluice.Diagnostic {
	d := sluice.Errorf(pos, code, format, args...)
	d.Document, d.Env = doc.ID(), env
	return d
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }
