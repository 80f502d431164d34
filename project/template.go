package project

import (
	"errors"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/templates"
)

// expandTemplate replaces the spec of a pipeline that names a template by
// the template's spec with the document's own fields merged over it. A
// template that cannot be instantiated is reported at spec.template.
func expandTemplate(doc *dsl.Document) *sluice.Diagnostic {
	spec := doc.Spec()
	ref, ok := spec["template"].(map[string]any)
	if !ok {
		return nil
	}
	name, _ := ref["name"].(string)
	values, _ := ref["values"].(map[string]any)
	base, err := templates.Instantiate(name, values)
	if err != nil {
		d := templateError(doc, err)
		return &d
	}
	own := make(map[string]any, len(spec))
	for k, v := range spec {
		if k != "template" {
			own[k] = v
		}
	}
	doc.SetSpec(dsl.MergePatch(base, own))
	return nil
}

// templateError locates a failed instantiation: at the value concerned
// when it was given, else at the template reference.
func templateError(doc *dsl.Document, err error) sluice.Diagnostic {
	var te *templates.Error
	if !errors.As(err, &te) {
		return docError(doc, "", doc.Locate("spec", "template"), "template.instantiate", "%v", err)
	}
	pos := doc.LocateKey("spec", "template", "name")
	switch {
	case te.Value != "" && doc.Has("spec", "template", "values", te.Value):
		pos = doc.Locate("spec", "template", "values", te.Value)
	case te.Value != "":
		pos = doc.Locate("spec", "template", "values")
	case doc.Has("spec", "template", "name"):
		pos = doc.Locate("spec", "template", "name")
	}
	return docError(doc, "", pos, te.Code, "%s", te.Message)
}
