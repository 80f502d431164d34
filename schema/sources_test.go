package schema_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/schema"
)

// MustSchemaDoc returns the embedded schema of kind as plain values.
func MustSchemaDoc(tb testing.TB, kind string) map[string]any {
	tb.Helper()
	src, ok := schema.Source(kind)
	if !ok {
		tb.Fatalf("no schema for %q", kind)
	}
	var doc map[string]any
	if err := json.Unmarshal(src, &doc); err != nil {
		tb.Fatalf("schema for %q: %v", kind, err)
	}
	return doc
}

func TestSource(t *testing.T) {
	tests := []struct {
		kind, id string
		ok       bool
	}{
		{"Pipeline", "pipeline.schema.json", true},
		{"pipeline", "pipeline.schema.json", true},
		{"ARTIFACTSTORE", "artifactstore.schema.json", true},
		{"Project", "project.schema.json", true},
		{"ComputeEnvironment", "computeenvironment.schema.json", true},
		{"MetadataStore", "metadatastore.schema.json", true},
		{"", "sluice.schema.json", true},
		{"all", "sluice.schema.json", true},
		{"Workflow", "", false},
	}
	for _, tt := range tests {
		src, ok := schema.Source(tt.kind)
		if ok != tt.ok {
			t.Errorf("Source(%q): ok = %v, want %v", tt.kind, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		doc := MustSchemaDoc(t, tt.kind)
		if id := doc["$id"]; id != "https://sluice.dev/schemas/v1/"+tt.id {
			t.Errorf("Source(%q): $id = %v, want .../%s", tt.kind, id, tt.id)
		}
		if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("Source(%q): $schema = %v, want draft 2020-12", tt.kind, doc["$schema"])
		}
		if len(src) == 0 {
			t.Errorf("Source(%q): empty", tt.kind)
		}
	}
}

func TestKindsMatchDSL(t *testing.T) {
	if got, want := schema.Kinds(), dsl.Kinds(); !reflect.DeepEqual(got, want) {
		t.Errorf("Kinds() = %v, want the DSL's %v", got, want)
	}
	for _, kind := range schema.Kinds() {
		doc := MustSchemaDoc(t, kind)
		props, _ := doc["properties"].(map[string]any)
		k, _ := props["kind"].(map[string]any)
		if k["const"] != kind {
			t.Errorf("schema for %s: kind const = %v", kind, k["const"])
		}
	}
}

// TestBundleUpToDate fails when the embedded sluice.schema.json is not what
// the per-kind schemas make.
func TestBundleUpToDate(t *testing.T) {
	want, err := schema.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := schema.Source("all")
	if !bytes.Equal(got, want) {
		t.Errorf("schema/kinds/sluice.schema.json is stale: run make generate and commit the result")
	}
}

// TestBundleAgrees checks that an editor using the bundle accepts exactly
// the documents the Validator accepts.
func TestBundleAgrees(t *testing.T) {
	v := MustValidator(t)
	bundle := compileBundle(t)
	files := append(fixtures(t, "valid"), fixtures(t, "invalid")...)
	for _, path := range files {
		for _, doc := range MustParse(t, path, readFile(t, path)).Documents {
			ours := len(v.Validate(doc, "", doc.Value())) == 0
			editors := bundle.Validate(doc.Value()) == nil
			if ours != editors {
				t.Errorf("%s %s: validator says valid=%v, bundle says valid=%v", path, doc.ID(), ours, editors)
			}
		}
	}
}

func compileBundle(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	src, _ := schema.Source("all")
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if err != nil {
		tb.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{})
	if err := c.AddResource("https://example.com/editor.json", doc); err != nil {
		tb.Fatal(err)
	}
	sch, err := c.Compile("https://example.com/editor.json")
	if err != nil {
		tb.Fatalf("the bundle must compile on its own, as an editor loads it: %v", err)
	}
	return sch
}

// TestSharedDefinitionsAgree keeps the definitions several kinds repeat
// (metadata, tags, durations, ...) identical in every file.
func TestSharedDefinitionsAgree(t *testing.T) {
	first := map[string]any{}
	owner := map[string]string{}
	for _, kind := range schema.Kinds() {
		defs, _ := MustSchemaDoc(t, kind)["$defs"].(map[string]any)
		for name, def := range defs {
			if name == "spec" {
				continue
			}
			if prev, ok := first[name]; ok && !reflect.DeepEqual(prev, def) {
				t.Errorf("$defs/%s differs between the %s and %s schemas", name, owner[name], kind)
				continue
			}
			first[name], owner[name] = def, kind
		}
	}
}

// walkSchema calls fn for every subschema (an object) of a schema
// document, with its JSON pointer.
func walkSchema(ptr string, v any, fn func(ptr string, n map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		fn(ptr, v)
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == "examples" || k == "default" || k == "const" || k == "enum" {
				continue
			}
			walkSchema(ptr+"/"+k, v[k], fn)
		}
	case []any:
		for _, item := range v {
			walkSchema(ptr+"/[]", item, fn)
		}
	}
}

func TestEveryPatternHasHint(t *testing.T) {
	for _, kind := range schema.Kinds() {
		walkSchema(kind, MustSchemaDoc(t, kind), func(ptr string, n map[string]any) {
			if p, ok := n["pattern"].(string); ok && !strings.HasSuffix(ptr, "/not") && schema.PatternHint(p) == "" {
				t.Errorf("%s: pattern %s has no hint in PatternHint", ptr, p)
			}
			pats, _ := n["patternProperties"].(map[string]any)
			for p, sch := range pats {
				if sch != false && schema.PatternHint(p) == "" {
					t.Errorf("%s: key pattern %s has no hint in PatternHint", ptr, p)
				}
			}
		})
	}
}

// TestEveryPropertyDescribed: descriptions feed the DSL reference and
// editors' hovers.
func TestEveryPropertyDescribed(t *testing.T) {
	for _, kind := range schema.Kinds() {
		doc := MustSchemaDoc(t, kind)
		defs, _ := doc["$defs"].(map[string]any)
		walkSchema(kind, doc, func(ptr string, n map[string]any) {
			props, _ := n["properties"].(map[string]any)
			for name, p := range props {
				if !described(p, defs) && !strings.Contains(ptr, "/if") && !strings.Contains(ptr, "/then") &&
					!strings.Contains(ptr, "/else") && !strings.Contains(ptr, "/dependentSchemas") {
					t.Errorf("%s/properties/%s has no description", ptr, name)
				}
			}
		})
	}
}

func described(p any, defs map[string]any) bool {
	m, _ := p.(map[string]any)
	if _, ok := m["description"].(string); ok {
		return true
	}
	ref, _ := m["$ref"].(string)
	def, _ := defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
	_, ok := def["description"].(string)
	return ok
}

// TestNoPropertyNames: the jsonschema library reports propertyNames
// violations at a location that later siblings may overwrite, so map keys
// are checked with patternProperties instead.
func TestNoPropertyNames(t *testing.T) {
	for _, kind := range append(schema.Kinds(), "all") {
		walkSchema(kind, MustSchemaDoc(t, kind), func(ptr string, n map[string]any) {
			if _, ok := n["propertyNames"]; ok {
				t.Errorf("%s uses propertyNames; use patternProperties with additionalProperties: false", ptr)
			}
		})
	}
}

func TestExamples(t *testing.T) {
	v := MustValidator(t)
	for _, kind := range schema.Kinds() {
		src, ok := schema.Example(kind)
		if !ok {
			t.Errorf("no example for %s", kind)
			continue
		}
		f := MustParse(t, kind+".yaml", src)
		if len(f.Documents) != 1 || f.Documents[0].Kind != kind {
			t.Errorf("example for %s must hold one %s document", kind, kind)
			continue
		}
		if diags := v.ValidateAll(f.Documents[0]); len(diags) > 0 {
			t.Errorf("example for %s is invalid:\n%v", kind, diags)
		}
	}
	if _, ok := schema.Example("Workflow"); ok {
		t.Errorf("Example(Workflow): want false")
	}
}
