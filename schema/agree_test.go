package schema_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/schema"
)

// replacements are the values every leaf and every node of a document is
// swapped for, one at a time, in TestQuickCheckAgrees.
func replacements() []any {
	return []any{nil, "", "x", "SLUICE_X", "1h", "8Gi", int64(0), int64(-1), int64(1), int64(100000),
		1.5, 0.25, true, []any{}, []any{"a", "a"}, map[string]any{}, map[string]any{"name": "x"}}
}

// TestQuickCheckAgrees mutates every node of every fixture document, one
// at a time, and checks that the quick check and the jsonschema library
// agree on every result, and that a document the library rejects always
// gets at least one located finding.
func TestQuickCheckAgrees(t *testing.T) {
	v := MustValidator(t)
	files := append(fixtures(t, "valid"), fixtures(t, "invalid")...)
	checked := 0
	for _, path := range files {
		for _, doc := range MustParse(t, path, readFile(t, path)).Documents {
			values := []map[string]any{doc.Value()}
			for _, env := range doc.OverrideEnvs() {
				values = append(values, doc.Merged(env))
			}
			for _, value := range values {
				mutate(value, func(mutated map[string]any) {
					checked++
					checkAgreement(t, v, doc, mutated)
				})
			}
		}
	}
	t.Logf("%d mutations checked", checked)
	if checked < 1000 {
		t.Fatalf("only %d mutations checked", checked)
	}
}

func checkAgreement(t *testing.T, v *schema.Validator, doc *dsl.Document, value map[string]any) {
	t.Helper()
	quick, library := v.Verdicts(doc.Kind, value)
	if quick != library {
		t.Fatalf("%s: quick check says valid=%v, library says valid=%v for\n%#v", doc.ID(), quick, library, value)
	}
	diags := v.Validate(doc, "", value)
	if library != (len(diags) == 0) {
		t.Fatalf("%s: library says valid=%v but Validate found %v", doc.ID(), library, diags)
	}
}

// mutate calls fn with copies of root in which one node is replaced or one
// key removed.
func mutate(root map[string]any, fn func(map[string]any)) {
	var walk func(cur any, rebuild func(any) map[string]any)
	walk = func(cur any, rebuild func(any) map[string]any) {
		for _, r := range replacements() {
			fn(rebuild(r))
		}
		switch c := cur.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(c)) {
				without := maps.Clone(c)
				delete(without, k)
				fn(rebuild(without))
				walk(c[k], func(nv any) map[string]any {
					m := maps.Clone(c)
					m[k] = nv
					return rebuild(m)
				})
			}
		case []any:
			for i := range c {
				walk(c[i], func(nv any) map[string]any {
					l := slices.Clone(c)
					l[i] = nv
					return rebuild(l)
				})
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(root)) {
		walk(root[k], func(nv any) map[string]any {
			m := maps.Clone(root)
			m[k] = nv
			return m
		})
	}
}
