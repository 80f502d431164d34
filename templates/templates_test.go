package templates_test

import (
	"bytes"
	"errors"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/templates"
)

var wantTemplates = []string{"batch-prediction", "data-processing", "model-deployment", "training"}

func TestList(t *testing.T) {
	var names []string
	for _, info := range templates.List() {
		names = append(names, info.Name)
		if info.Description == "" || strings.HasPrefix(info.Description, "broken template") {
			t.Errorf("%s: description %q", info.Name, info.Description)
		}
		if info.Pipeline != info.Name {
			t.Errorf("%s: pipeline is called %q, want the template's name", info.Name, info.Pipeline)
		}
	}
	if !reflect.DeepEqual(names, wantTemplates) {
		t.Errorf("List() names = %v, want %v", names, wantTemplates)
	}
}

func TestGetUnknown(t *testing.T) {
	tests := []struct{ name, want string }{
		{"trainng", `unknown template "trainng" (did you mean "training"?); the templates are batch-prediction, data-processing, model-deployment and training`},
		{"etl", `unknown template "etl"; the templates are batch-prediction, data-processing, model-deployment and training`},
		{"", "a template needs a name, one of batch-prediction, data-processing, model-deployment and training"},
	}
	for _, tt := range tests {
		_, err := templates.Get(tt.name)
		var te *templates.Error
		if !errors.As(err, &te) || te.Code != templates.CodeUnknownTemplate || err.Error() != tt.want {
			t.Errorf("Get(%q) error = %v, want *Error %s: %s", tt.name, err, templates.CodeUnknownTemplate, tt.want)
		}
	}
}

// mustTemplate returns the named template or stops the test.
func mustTemplate(tb testing.TB, name string) templates.Template {
	tb.Helper()
	tpl, err := templates.Get(name)
	if err != nil {
		tb.Fatal(err)
	}
	return tpl
}

// mustRender returns the files a scaffold of the template writes.
func mustRender(tb testing.TB, tpl templates.Template) map[string][]byte {
	tb.Helper()
	files, err := tpl.Render("demo")
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// TestFilesParse checks every YAML file of every template, as stored and
// as scaffolded, reads as Sluice documents without a finding, and that a
// scaffold has no placeholder left.
func TestFilesParse(t *testing.T) {
	for _, name := range wantTemplates {
		tpl := mustTemplate(t, name)
		raw, err := tpl.Files()
		if err != nil {
			t.Fatal(err)
		}
		for label, files := range map[string]map[string][]byte{"stored": raw, "scaffolded": mustRender(t, tpl)} {
			for p, data := range files {
				if label == "scaffolded" && bytes.Contains(data, []byte("${")) && path.Ext(p) != ".py" {
					t.Errorf("%s %s/%s keeps a placeholder", label, name, p)
				}
				if path.Ext(p) != ".yaml" {
					continue
				}
				if _, diags := dsl.ParseFile(p, data, dsl.DefaultLimits()); len(diags) > 0 {
					t.Errorf("%s %s/%s: %v", label, name, p, diags)
				}
			}
		}
	}
}

// TestScaffoldMatchesInstantiate checks the two ways of using a template
// agree: the scaffolded pipeline's spec is what Instantiate returns for
// the values the scaffold was written with.
func TestScaffoldMatchesInstantiate(t *testing.T) {
	for _, name := range wantTemplates {
		tpl := mustTemplate(t, name)
		f, diags := dsl.ParseFile(name, mustRender(t, tpl)["deploy/pipeline.yaml"], dsl.DefaultLimits())
		if len(diags) > 0 {
			t.Fatal(diags)
		}
		values := map[string]any{}
		for _, v := range tpl.Values {
			if v.Required {
				values[v.Name] = v.Example
			}
		}
		spec, err := templates.Instantiate(name, values)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := f.Documents[0].Spec(); !reflect.DeepEqual(spec, want) {
			t.Errorf("%s: Instantiate = %v\nscaffolded spec = %v", name, spec, want)
		}
	}
}

// TestValuesUsed checks every declared value appears in the template's
// pipeline, so no value silently does nothing.
func TestValuesUsed(t *testing.T) {
	for _, name := range wantTemplates {
		tpl := mustTemplate(t, name)
		files, err := tpl.Files()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range tpl.Values {
			if !bytes.Contains(files["deploy/pipeline.yaml"], []byte("${values."+v.Name+"}")) {
				t.Errorf("%s: value %q is declared but deploy/pipeline.yaml never uses it", name, v.Name)
			}
		}
	}
}

// TestSharedStepFiles checks every template's files include the step
// helpers kept once under shared/, byte for byte.
func TestSharedStepFiles(t *testing.T) {
	for _, name := range wantTemplates {
		files, err := mustTemplate(t, name).Files()
		if err != nil {
			t.Fatal(err)
		}
		for _, shared := range []string{"steps/sluice_step.py", "steps/linear_model.py"} {
			want, err := os.ReadFile(filepath.Join("shared", filepath.FromSlash(shared)))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(files[shared], want) {
				t.Errorf("%s: %s is missing or differs from shared/%s", name, shared, shared)
			}
		}
	}
}

// TestCommands checks every step runs a step program of its template.
func TestCommands(t *testing.T) {
	cmd := regexp.MustCompile(`command: \[python3, (steps/[a-z_]+\.py)\]`)
	for _, name := range wantTemplates {
		files, err := mustTemplate(t, name).Files()
		if err != nil {
			t.Fatal(err)
		}
		pipeline := files["deploy/pipeline.yaml"]
		matches := cmd.FindAllSubmatch(pipeline, -1)
		if steps := bytes.Count(pipeline, []byte("\n    - name: ")); len(matches) != steps {
			t.Errorf("%s: %d commands for %d steps", name, len(matches), steps)
		}
		for _, m := range matches {
			if _, ok := files[string(m[1])]; !ok {
				t.Errorf("%s: command runs %s, which the template does not have", name, m[1])
			}
		}
	}
}
