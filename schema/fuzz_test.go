package schema_test

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/schema"
)

// FuzzValidate feeds arbitrary files through parsing and validation: no
// panic, the quick check and the library agree, a rejected document
// always has a finding, and every finding is located in the file.
func FuzzValidate(f *testing.F) {
	for _, dir := range []string{"valid", "invalid"} {
		for _, path := range fixtures(f, dir) {
			f.Add(readFile(f, path))
		}
	}
	for _, kind := range schema.Kinds() {
		src, _ := schema.Example(kind)
		f.Add(src)
	}
	v := MustValidator(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, diags := dsl.ParseFile("f.yaml", data, dsl.DefaultLimits())
		if len(diags) > 0 {
			return
		}
		for _, doc := range file.Documents {
			fuzzDocument(t, v, doc)
		}
	})
}

func fuzzDocument(t *testing.T, v *schema.Validator, doc *dsl.Document) {
	envs := append([]string{""}, doc.OverrideEnvs()...)
	for _, env := range envs {
		value := doc.Value()
		if env != "" {
			value = doc.Merged(env)
		}
		quick, library := v.Verdicts(doc.Kind, value)
		if quick != library {
			t.Fatalf("%s env %q: quick check says valid=%v, library valid=%v", doc.ID(), env, quick, library)
		}
		diags := v.Validate(doc, env, value)
		if library != (len(diags) == 0) {
			t.Fatalf("%s env %q: library valid=%v, findings %v", doc.ID(), env, library, diags)
		}
		for _, d := range diags {
			if d.Pos.File != "f.yaml" || d.Pos.Line < 1 || d.Pos.Column < 1 || !strings.HasPrefix(d.Code, "schema.") || d.Message == "" {
				t.Fatalf("badly formed finding %v", d)
			}
		}
	}
}
