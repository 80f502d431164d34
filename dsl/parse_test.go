package dsl_test

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/dsl"
)

func TestParseFileFindings(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // first diagnostic, "line:col code"
	}{
		{"empty", "", "1:1 file.empty"},
		{"only comments", "# nothing here\n", "1:1 file.empty"},
		{"unclosed list", "apiVersion: sluice.dev/v1\nkind: [Pipeline\n", "2:7 yaml.syntax"},
		{"unclosed list later", "a: 1\nb: 2\n  c: [x\nd: 4\n", "3:3 yaml.syntax"},
		{"bad indentation", "a: 1\nb: 2\n  c: 3\n", "3:3 yaml.syntax"},
		{"unterminated quote", "a: 1\nb: 'x\nc: 3\n", "2:4 yaml.syntax"},
		{"nested mapping on one line", "a: b: c\n", "1:5 yaml.syntax"},
		{"list item among keys", "a: 1\nb: c\n- d\n", "3:1 yaml.syntax"},
		{"tab indentation", "apiVersion: sluice.dev/v1\n\tkind: Pipeline\n", "2:1 yaml.syntax"},
		{"duplicate key", "apiVersion: sluice.dev/v1\nkind: Pipeline\nkind: Project\n", "3:1 yaml.duplicate-key"},
		{"non-utf8", "apiVersion: sluice.dev/v1\nkind: \xff\n", "2:7 file.encoding"},
		{"not a mapping", "- a\n- b\n", "1:1 document.not-mapping"},
		{"scalar document", "hello\n", "1:1 document.not-mapping"},
		{"no apiVersion", "kind: Pipeline\n", "1:1 document.api-version"},
		{"wrong apiVersion", "apiVersion: sluice.dev/v2\nkind: Pipeline\n", "1:13 document.api-version"},
		{"apiVersion not a string", "apiVersion: 1\nkind: Pipeline\n", "1:13 document.api-version"},
		{"unknown kind", "apiVersion: sluice.dev/v1\nkind: Pipelin\n", "2:7 document.kind"},
		{"no kind", "apiVersion: sluice.dev/v1\nmetadata: {name: a}\n", "1:1 document.kind"},
		{"unknown tag", "apiVersion: sluice.dev/v1\nkind: !Ref Pipeline\n", "2:7 yaml.tag"},
		{"infinity", "apiVersion: sluice.dev/v1\nkind: Pipeline\nspec: {cpu: .inf}\n", "3:13 yaml.number"},
		{"complex key", "apiVersion: sluice.dev/v1\nkind: Pipeline\n? [a, b]\n: c\n", "3:3 yaml.key"},
		{"alias bomb", aliasBomb(), "yaml.alias-limit"},
		{"unknown anchor", "apiVersion: sluice.dev/v1\nkind: *nope\n", "yaml.syntax"},
		{"bad merge", "apiVersion: sluice.dev/v1\nkind: Pipeline\nspec:\n  <<: 3\n", "4:7 yaml.merge"},
		{"second document broken", "apiVersion: sluice.dev/v1\nkind: Pipeline\n---\napiVersion: x\nkind: Pipeline\n", "4:13 document.api-version"},
		{"mapping merging itself", "apiVersion: sluice.dev/v1\nkind: Pipeline\nspec:\n  r: &small\n    <<: *small\n", "5:9 yaml.merge"},
		{"merged list merging itself", "apiVersion: sluice.dev/v1\nkind: Pipeline\nspec:\n  r: &s\n    a: 1\n    <<: [*s]\n", "6:10 yaml.merge"},
		{"too large", strings.Repeat("#", 2<<20), "1:1 file.too-large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, diags := dsl.ParseFile("f.yaml", []byte(tc.src), dsl.DefaultLimits())
			if f != nil {
				t.Fatalf("got a file with %d documents, want none: a broken file yields nothing", len(f.Documents))
			}
			if len(diags) == 0 {
				t.Fatal("got no diagnostics")
			}
			got := diags[0].String()
			if !strings.Contains(got, tc.want) && !strings.Contains(got, "f.yaml:"+strings.Replace(tc.want, " ", ": ", 1)) {
				t.Errorf("got %q, want it to contain %q", got, tc.want)
			}
		})
	}
}

func aliasBomb() string {
	var b strings.Builder
	b.WriteString("apiVersion: sluice.dev/v1\nkind: Pipeline\na: &a [x, x, x, x, x, x, x, x, x, x]\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f"} {
		b.WriteString(name + ": &" + name + " [")
		for i := 0; i < 10; i++ {
			b.WriteString("*" + prev + ", ")
		}
		b.WriteString("]\n")
		prev = name
	}
	return b.String()
}

func TestParseFileDocuments(t *testing.T) {
	src := "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata: {name: a}\n---\n---\n# just a comment\n---\napiVersion: sluice.dev/v1\nkind: ArtifactStore\nmetadata:\n  name: b\n"
	f, diags := dsl.ParseFile("f.yaml", []byte(src), dsl.DefaultLimits())
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	var ids []string
	for _, d := range f.Documents {
		ids = append(ids, d.ID()+"@"+d.Pos().String())
	}
	want := "Pipeline/a@f.yaml:1:1 ArtifactStore/b@f.yaml:8:1"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestValues(t *testing.T) {
	src := "apiVersion: sluice.dev/v1\nkind: Pipeline\nspec:\n  i: 42\n  h: 0x1f\n  f: 1.5\n  b: true\n  s: '42'\n  n: null\n  t: 2026-01-02\n  l: [1, two]\n  base: &base {x: 1, y: 2}\n  m:\n    <<: *base\n    y: 3\n"
	f, diags := dsl.ParseFile("f.yaml", []byte(src), dsl.DefaultLimits())
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	spec := f.Documents[0].Spec()
	checks := map[string]any{"i": int64(42), "h": int64(31), "f": 1.5, "b": true, "s": "42", "n": nil, "t": "2026-01-02"}
	for k, want := range checks {
		if got := spec[k]; got != want {
			t.Errorf("%s: got %#v, want %#v", k, got, want)
		}
	}
	m := spec["m"].(map[string]any)
	if m["x"] != int64(1) || m["y"] != int64(3) {
		t.Errorf("merge key: got %v, want x=1 from the anchor and y=3 set locally", m)
	}
}
