package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedFilesUpToDate fails when docs/dsl.md or the schema bundle
// is not what dslgen writes from the current schemas.
func TestGeneratedFilesUpToDate(t *testing.T) {
	files, err := generated()
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(path)))
		switch {
		case err != nil:
			t.Errorf("%v: run make generate and commit the result", err)
		case !bytes.Equal(got, want):
			t.Errorf("%s is stale: run make generate and commit the result", path)
		}
	}
}

func TestReferenceIsDeterministic(t *testing.T) {
	a, err := reference()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		b, _ := reference()
		if !bytes.Equal(a, b) {
			t.Fatal("two runs wrote different references")
		}
	}
}

// TestReferenceCoversEveryField checks that every field of every section
// definition has a row in its section of the reference, and that the
// parts of the reference people look for are there.
func TestReferenceCoversEveryField(t *testing.T) {
	ref, err := reference()
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, part := range strings.Split(string(ref), `<a id="`)[1:] {
		id, body, _ := strings.Cut(part, `"`)
		sections[id] = body
	}
	kinds, err := loadKinds()
	if err != nil {
		t.Fatal(err)
	}
	r := &renderer{kinds: kinds, shared: shared(kinds)}
	r.shared["metadata"] = true
	rows := 0
	for _, k := range kinds {
		for _, name := range append(k.sections(), "metadata") {
			body, ok := sections[r.anchor(k, name)]
			if !ok {
				t.Errorf("%s: no section %s", k.kind, r.anchor(k, name))
				continue
			}
			for _, field := range k.defs().obj(name).obj("properties").keys {
				rows++
				if !strings.Contains(body, "| `"+field+"`") {
					t.Errorf("section %s has no row for %s", r.anchor(k, name), field)
				}
			}
		}
	}
	if rows < 100 {
		t.Errorf("only %d fields found in the schemas", rows)
	}
	for _, want := range []string{
		"# yaml-language-server: $schema=../.sluice/schema.json", "sluice schema > .sluice/schema.json",
		"```yaml\napiVersion: sluice.dev/v1\nkind: MetadataStore",
		"<a id=\"step-contract\"></a>\n## Step contract", "](#step-contract)",
	} {
		if !strings.Contains(string(ref), want) {
			t.Errorf("reference lacks %q", want)
		}
	}
}
