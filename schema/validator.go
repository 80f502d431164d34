package schema

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// Validator checks documents against the embedded schemas. It is built
// once by New and is safe for concurrent use by many goroutines: nothing in
// it changes after New returns.
type Validator struct {
	// schemas holds the compiled schema of each kind.
	schemas map[string]*jsonschema.Schema
	// quick holds the quick check of each kind: valid documents pass it
	// without the cost of the library's evaluation.
	quick map[string]*fastNode
	// raw holds each schema document as plain values, by URL, to read the
	// keywords behind a violation (property names, if conditions, ...).
	raw map[string]any
}

// New compiles every embedded schema, the bundle included. It fails when a
// schema is not valid JSON or not a valid draft 2020-12 schema, which only
// a broken build can cause.
func New() (*Validator, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(jsonschema.SchemeURLLoader{}) // everything is embedded: load nothing
	v := &Validator{schemas: map[string]*jsonschema.Schema{}, quick: map[string]*fastNode{}, raw: map[string]any{}}
	for _, kind := range Kinds() {
		if err := v.addResource(c, fileName(kind)); err != nil {
			return nil, err
		}
	}
	if err := v.addResource(c, BundleFile); err != nil {
		return nil, err
	}
	for _, kind := range Kinds() {
		sch, err := c.Compile(baseURL + fileName(kind))
		if err != nil {
			return nil, fmt.Errorf("schema: compile %s: %w", fileName(kind), err)
		}
		v.schemas[kind] = sch
		quick, err := compileFast(v.raw[baseURL+fileName(kind)])
		if err != nil {
			return nil, fmt.Errorf("schema: %s: %w", fileName(kind), err)
		}
		v.quick[kind] = quick
	}
	if _, err := c.Compile(baseURL + BundleFile); err != nil {
		return nil, fmt.Errorf("schema: compile %s: %w", BundleFile, err)
	}
	return v, nil
}

func (v *Validator) addResource(c *jsonschema.Compiler, name string) error {
	src, err := kindFiles.ReadFile("kinds/" + name)
	if err != nil {
		return fmt.Errorf("schema: %s: %w", name, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if err != nil {
		return fmt.Errorf("schema: %s: %w", name, err)
	}
	if err := c.AddResource(baseURL+name, doc); err != nil {
		return fmt.Errorf("schema: %s: %w", name, err)
	}
	v.raw[baseURL+name] = doc
	return nil
}

// Validate checks value against the schema of doc's kind and returns every
// violation, sorted and without duplicates, each positioned at the YAML
// node that is wrong. value is doc.Value (env "") or doc.Merged(env); in
// the latter case findings point into the environment's override wherever
// it set the offending value, and carry Env. It returns nil for a valid
// document.
func (v *Validator) Validate(doc *dsl.Document, env string, value map[string]any) sluice.Diagnostics {
	sch, ok := v.schemas[doc.Kind]
	if !ok {
		return sluice.Diagnostics{v.stamp(doc, env, sluice.Errorf(doc.Locate("kind"), "schema.kind",
			"no schema for kind %q; known kinds are %s", doc.Kind, joinAnd(Kinds(), "or")))}
	}
	if v.quick[doc.Kind].valid(value) {
		return nil
	}
	err := sch.Validate(value)
	if err == nil {
		return nil
	}
	m := newMapper(v, doc, env, value)
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		m.add(doc.Pos(), "schema.invalid", "document cannot be checked: %v", err)
	} else {
		m.walk(verr)
	}
	return m.finish()
}

// ValidateAll checks doc as written and, merged, in every environment it
// overrides. A finding of an environment that is the same as one of the
// document as written (same place, code and message) is reported once,
// without the environment.
func (v *Validator) ValidateAll(doc *dsl.Document) sluice.Diagnostics {
	out := v.Validate(doc, "", doc.Value())
	type finding struct {
		pos           sluice.Position
		code, message string
	}
	seen := make(map[finding]bool, len(out))
	for _, d := range out {
		seen[finding{d.Pos, d.Code, d.Message}] = true
	}
	for _, env := range doc.OverrideEnvs() {
		for _, d := range v.Validate(doc, env, doc.Merged(env)) {
			if !seen[finding{d.Pos, d.Code, d.Message}] {
				out = append(out, d)
			}
		}
	}
	return out.Sort()
}

// ValidateEnvs checks doc merged in each of envs, the environments a
// project declares. A finding all of them share (same place, code and
// message), which comes from the document as written, is reported once
// without an environment; the others carry theirs.
func (v *Validator) ValidateEnvs(doc *dsl.Document, envs []string) sluice.Diagnostics {
	if len(envs) == 0 {
		return v.Validate(doc, "", doc.Value())
	}
	type finding struct {
		pos           sluice.Position
		code, message string
	}
	count := map[finding]int{}
	var all sluice.Diagnostics
	for _, env := range envs {
		for _, d := range v.Validate(doc, env, doc.Merged(env)) {
			count[finding{d.Pos, d.Code, d.Message}]++
			all = append(all, d)
		}
	}
	var out sluice.Diagnostics
	for _, d := range all {
		if len(envs) > 1 && count[finding{d.Pos, d.Code, d.Message}] == len(envs) {
			d.Env = ""
		}
		out = append(out, d)
	}
	return out.Sort()
}

func (v *Validator) stamp(doc *dsl.Document, env string, d sluice.Diagnostic) sluice.Diagnostic {
	d.Document, d.Env = doc.ID(), env
	return d
}
