package compile_test

import (
	"bytes"
	"testing"

	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
)

// TestCacheMatchesFresh compiles every golden case with a cache, again
// with the warm cache, and after replacing one pipeline's document by an
// edited one: each output must equal a compilation without a cache.
func TestCacheMatchesFresh(t *testing.T) {
	for _, path := range cases(t) {
		r := readRepo(t, path)
		cache := compile.NewCache()
		for _, env := range r.envs {
			for round := 0; round < 3; round++ {
				if round == 2 {
					r = withEditedPipeline(t, r)
				}
				in := compile.Input{Project: r.project, Documents: r.docs, Env: env, Revision: "rev"}
				fresh, freshDiags := compile.Compile(in)
				in.Cache = cache
				cached, cachedDiags := compile.Compile(in)
				if !bytes.Equal(render(t, fresh), render(t, cached)) || freshDiags.Error() != cachedDiags.Error() {
					t.Fatalf("%s %s round %d: cached output differs from a fresh compilation", path, env, round)
				}
			}
		}
	}
}

// withEditedPipeline returns r with its first pipeline re-parsed with a
// new image: a new document, as a loader hands out for a changed file.
func withEditedPipeline(tb testing.TB, r repo) repo {
	tb.Helper()
	out := r
	out.docs = append([]*dsl.Document(nil), r.docs...)
	for i, d := range out.docs {
		if d.Kind != dsl.KindPipeline {
			continue
		}
		src := "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata: {name: " + d.Name + "}\nspec:\n  image: edited:2\n  steps: [{name: only, command: [x]}]\n"
		f, diags := dsl.ParseFile(d.File, []byte(src), dsl.DefaultLimits())
		if len(diags) > 0 {
			tb.Fatal(diags)
		}
		out.docs[i] = f.Documents[0]
		break
	}
	return out
}
