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
		r.diags = append(r.diags, l.checkDocument(doc, envs)...)
	}
	return r
}

func (l *Loader) checkDocument(doc *dsl.Document, envs []string) sluice.Diagnostics {
	if doc.Kind == dsl.KindProject {
		return sluice.Diagnostics{docError(doc, "", doc.Locate("kind"), "project.misplaced",
			"a Project document belongs in %s at the repository root, not here", dsl.ProjectFile)}
	}
	diags := checkOverrideNames(doc, envs)
	if doc.Kind == dsl.KindPipeline {
		if d := expandTemplate(doc); d != nil {
			return append(diags, *d)
		}
	}
	for _, env := range envsToCheck(doc, envs) {
		merged := doc.Merged(env)
		ds := l.opts.Validator.Validate(doc, env, merged)
		if len(ds) == 0 && doc.Kind == dsl.KindPipeline {
			ds = checkPipeline(doc, env, merged)
		}
		diags = append(diags, ds...)
	}
	return diags
}

// envsToCheck returns the environments whose merged documents differ: a
// document without overrides is the same everywhere and is checked once,
// under the empty environment.
func envsToCheck(doc *dsl.Document, envs []string) []string {
	if len(doc.Overrides()) == 0 {
		return []string{""}
	}
	return envs
}

// checkOverrideNames reports overrides for environments the project does
// not declare, and overrides that are not mappings.
func checkOverrideNames(doc *dsl.Document, envs []string) sluice.Diagnostics {
	raw, ok := doc.Value["environments"]
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
