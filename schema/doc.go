// Package schema owns the JSON Schemas of Sluice's documents and judges
// documents against them.
//
// One schema per kind (draft 2020-12) is embedded, plus sluice.schema.json,
// a self-contained bundle that picks the right one by kind, for editors.
// A Validator checks a document's plain values against its kind's schema
// and turns every violation into a sluice.Diagnostic positioned at the YAML
// node that is wrong, with a stable code (schema.type, schema.required,
// schema.unknown-field, ...) and a message a person can act on.
//
// The schemas judge the shape of one document. Rules that need several
// documents or the whole graph of a pipeline (unknown steps, cycles,
// references to other documents) are checked elsewhere.
package schema
