package graph

import (
	"strconv"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// OverrideTypos rewrites Build's findings about the steps an
// environment's override adds to a pipeline: an added step no other step
// leads to is far more often a misspelt name of an existing step than a
// new step, so its graph.unreachable becomes graph.override-step, with
// the closest name of the document's own steps. spec is the pipeline as
// merged for env and at the locator Build was given.
func OverrideTypos(doc *dsl.Document, env string, spec *dsl.PipelineSpec, at func(path ...string) sluice.Position, diags sluice.Diagnostics) sluice.Diagnostics {
	added := addedSteps(doc, env)
	if len(added) == 0 || at == nil {
		return diags
	}
	own := ownStepNames(doc)
	for i, step := range spec.Steps {
		if !added[step.Name] {
			continue
		}
		pos := at("steps", strconv.Itoa(i), "name")
		for j, d := range diags {
			if d.Code == "graph.unreachable" && d.Pos == pos {
				diags[j] = sluice.Errorf(pos, "graph.override-step",
					"the override of %s names step %q, which the pipeline does not have%s; an override adds a new step only when another step leads to it",
					env, step.Name, dsl.DidYouMean(step.Name, own))
			}
		}
	}
	return diags
}

// addedSteps returns the names of the steps the environment's override
// names that the document's own steps do not have.
func addedSteps(doc *dsl.Document, env string) map[string]bool {
	if env == "" {
		return nil
	}
	items, _ := doc.Overrides()[env]["steps"].([]any)
	own := make(map[string]bool)
	for _, name := range ownStepNames(doc) {
		own[name] = true
	}
	out := make(map[string]bool)
	for _, item := range items {
		m, _ := item.(map[string]any)
		if name, _ := m["name"].(string); name != "" && !own[name] {
			out[name] = true
		}
	}
	return out
}

// ownStepNames returns the names of the steps the document itself
// declares, in order.
func ownStepNames(doc *dsl.Document) []string {
	spec, _ := doc.Value()["spec"].(map[string]any)
	items, _ := spec["steps"].([]any)
	out := make([]string, 0, len(items))
	for _, item := range items {
		m, _ := item.(map[string]any)
		if name, ok := m["name"].(string); ok {
			out = append(out, name)
		}
	}
	return out
}
