package compile_test

import (
	"bytes"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice"
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

// TestHashCacheThenFillSpecs compiles every golden case through a cache
// that keeps no specs: every resource comes out without its spec and tags and
// otherwise as a fresh compilation gives it, also from the warm cache and
// after an edit (the cache shares the resources of the output it made,
// specs filled in since included, and lets them out without); FillSpecs
// then gives back each spec asked for, and only those.
func TestHashCacheThenFillSpecs(t *testing.T) {
	for _, path := range cases(t) {
		r := readRepo(t, path)
		cache := compile.NewHashCache()
		for _, env := range r.envs {
			for round := 0; round < 3; round++ {
				if round == 2 {
					r = withEditedPipeline(t, r)
				}
				in := compile.Input{Project: r.project, Documents: r.docs, Env: env, Revision: "rev"}
				fresh, freshDiags := compile.Compile(in)
				in.Cache = cache
				light, lightDiags := compile.Compile(in)
				if len(light) != len(fresh) || freshDiags.Error() != lightDiags.Error() {
					t.Fatalf("%s %s round %d: %d resources (%v), want %d (%v)", path, env, round, len(light), lightDiags, len(fresh), freshDiags)
				}
				for i := range light {
					if light[i].Spec != nil {
						t.Fatalf("%s %s: %s kept its spec through a hash cache", path, env, light[i].ID)
					}
					if light[i].Tags != nil {
						t.Fatalf("%s %s: %s kept its tags through a hash cache", path, env, light[i].ID)
					}
					withSpec := light[i]
					withSpec.Spec, withSpec.Tags = fresh[i].Spec, fresh[i].Tags
					if !bytes.Equal(render(t, fresh[i:i+1]), render(t, []sluice.Resource{withSpec})) {
						t.Fatalf("%s %s: %s differs from a fresh compilation but for its spec", path, env, light[i].ID)
					}
				}
				if _, res, specs := cache.Len(); specs != 0 {
					t.Fatalf("%s: hash cache holds %d resources with %d spec bytes; want none", path, res, specs)
				}
				odd := func(r *sluice.Resource) bool { return len(r.ID)%2 == 1 }
				in.Cache = nil
				if err := compile.FillSpecs(in, light, odd); err != nil {
					t.Fatal(err)
				}
				for i := range light {
					if want := fresh[i].Spec; odd(&light[i]) != (light[i].Spec != nil) || (light[i].Spec != nil && !bytes.Equal(light[i].Spec, want)) {
						t.Fatalf("%s %s: %s filled with %q, want %q (asked: %v)", path, env, light[i].ID, light[i].Spec, want, odd(&light[i]))
					}
					if odd(&light[i]) && !maps.Equal(light[i].Tags, fresh[i].Tags) {
						t.Fatalf("%s %s: %s filled with tags %v, want %v", path, env, light[i].ID, light[i].Tags, fresh[i].Tags)
					}
				}
			}
		}
	}
}

// TestFillSpecsRefusesAnotherHash fails a resource whose hash no
// compilation of the input gives: a spec is never filled in that the
// plan did not compare.
func TestFillSpecsRefusesAnotherHash(t *testing.T) {
	r := readRepo(t, cases(t)[0])
	in := compile.Input{Project: r.project, Documents: r.docs, Env: r.envs[0], Revision: "rev", Cache: compile.NewHashCache()}
	res, _ := compile.Compile(in)
	if len(res) == 0 {
		t.Skip("the first case compiles to nothing")
	}
	res[0].Hash = "not-a-hash"
	err := compile.FillSpecs(in, res, func(*sluice.Resource) bool { return true })
	if err == nil || res[0].Spec != nil {
		t.Fatalf("FillSpecs = %v, spec %q; want an error and no spec", err, res[0].Spec)
	}
}

// TestHashCacheAcrossCommits: a daemon's hash cache compiles a new commit
// of unchanged pipelines without reading them again (the revision is
// left out of hashes, and only its length reaches the findings), and the
// output is what a fresh compilation at the new commit gives but for
// specs and tags; a revision of another length compiles them again.
func TestHashCacheAcrossCommits(t *testing.T) {
	first, second := strings.Repeat("1", 40), strings.Repeat("2", 40)
	for _, path := range cases(t) {
		r := readRepo(t, path)
		for _, env := range r.envs {
			cache := compile.NewHashCache()
			in := compile.Input{Project: r.project, Documents: r.docs, Env: env, Revision: first, Cache: cache}
			_, _ = compile.Compile(in)
			pipelines := 0
			for _, d := range r.docs {
				if d.Kind == dsl.KindPipeline {
					d.Release()
					pipelines++
				}
			}
			in.Revision = second
			light, lightDiags := compile.Compile(in)
			for _, d := range r.docs {
				if d.Kind == dsl.KindPipeline && d.InMemory() {
					t.Errorf("%s %s: %s was read again for a new commit", path, env, d.ID())
				}
			}
			in.Cache = nil
			fresh, freshDiags := compile.Compile(in)
			if len(light) != len(fresh) || freshDiags.Error() != lightDiags.Error() {
				t.Fatalf("%s %s: %d resources (%v), want %d (%v)", path, env, len(light), lightDiags, len(fresh), freshDiags)
			}
			for i := range light {
				withSpec := light[i]
				withSpec.Spec, withSpec.Tags = fresh[i].Spec, fresh[i].Tags
				if !bytes.Equal(render(t, fresh[i:i+1]), render(t, []sluice.Resource{withSpec})) {
					t.Fatalf("%s %s: %s differs from a fresh compilation at the new commit but for its spec", path, env, light[i].ID)
				}
			}
			if pipelines == 0 {
				continue
			}
			for _, d := range r.docs {
				d.Release()
			}
			in.Cache, in.Revision = cache, strings.Repeat("3", 64)
			_, _ = compile.Compile(in)
			read := 0
			for _, d := range r.docs {
				if d.Kind == dsl.KindPipeline && d.InMemory() {
					read++
				}
			}
			if read != pipelines {
				t.Errorf("%s %s: a revision of another length read %d of %d pipelines again, want all", path, env, read, pipelines)
			}
		}
	}
}

// TestHashCacheReleasesDocuments compiles every golden case through a
// hash cache set to release documents: each pipeline's content is
// released once compiled (read again from its source when asked for),
// the output is that of a cache that releases nothing, cold and warm,
// and a cache set back keeps the content it reads.
func TestHashCacheReleasesDocuments(t *testing.T) {
	for _, path := range cases(t) {
		r := readRepo(t, path)
		keep, release := compile.NewHashCache(), compile.NewHashCache()
		release.ReleaseDocuments(true)
		for _, env := range r.envs {
			for round := range 2 {
				in := compile.Input{Project: r.project, Documents: r.docs, Env: env, Revision: "rev", Cache: keep}
				want, wantDiags := compile.Compile(in)
				in.Cache = release
				got, gotDiags := compile.Compile(in)
				if !bytes.Equal(render(t, want), render(t, got)) || wantDiags.Error() != gotDiags.Error() {
					t.Fatalf("%s %s round %d: output differs when documents are released", path, env, round)
				}
				for _, d := range r.docs {
					if d.Kind == dsl.KindPipeline && d.InMemory() {
						t.Fatalf("%s %s round %d: %s kept its content", path, env, round, d.ID())
					}
				}
			}
		}
		release.ReleaseDocuments(false)
		in := compile.Input{Project: r.project, Documents: r.docs, Env: r.envs[0], Revision: "other", Cache: release}
		_, _ = compile.Compile(in)
		for _, d := range r.docs {
			if d.Kind == dsl.KindPipeline && !d.InMemory() {
				t.Fatalf("%s: %s released by a cache set back", path, d.ID())
			}
		}
	}
}

// TestBeforeRelease: a cache set to release documents hands each
// pipeline to BeforeRelease once per compilation, its content in memory,
// and releases it after; a cache set back calls it no more.
func TestBeforeRelease(t *testing.T) {
	for _, path := range cases(t) {
		r := readRepo(t, path)
		cache := compile.NewHashCache()
		cache.ReleaseDocuments(true)
		var mu sync.Mutex
		seen := map[*dsl.Document]int{}
		cache.BeforeRelease(func(d *dsl.Document) {
			mu.Lock()
			defer mu.Unlock()
			seen[d]++
			if !d.InMemory() {
				t.Errorf("%s: %s handed over without its content", path, d.ID())
			}
		})
		in := compile.Input{Project: r.project, Documents: r.docs, Env: r.envs[0], Revision: "rev", Cache: cache}
		_, _ = compile.Compile(in)
		for _, d := range r.docs {
			if d.Kind == dsl.KindPipeline && (seen[d] != 1 || d.InMemory()) {
				t.Errorf("%s: %s handed over %d times, in memory after: %v; want once, released", path, d.ID(), seen[d], d.InMemory())
			}
		}
		cache.ReleaseDocuments(false)
		clear(seen)
		_, _ = compile.Compile(in)
		if len(seen) != 0 {
			t.Errorf("%s: %d documents handed over by a cache that releases nothing", path, len(seen))
		}
	}
}
