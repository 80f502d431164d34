package compile

import (
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// FillSpecs sets the Spec and Tags of each resource of res that has no
// spec (a compilation through a Cache made by NewHashCache) and that need
// selects, by compiling again, without a cache, in, restricted to the
// pipelines those resources come from (every artifact store, compute
// environment and metadata store is compiled too: pipelines depend on
// them). in must be what res was compiled from. A resource that does not
// come out again with the hash it has, or at all, is compiled once more
// from all of in; it fails when even that does not give it, which would
// be a compiler that is not a pure function of its input.
func FillSpecs(in Input, res []sluice.Resource, need func(*sluice.Resource) bool) error {
	want := map[sluice.ResourceID]int{}
	sources := map[string]bool{}
	for i := range res {
		if r := &res[i]; r.Spec == nil && need(r) {
			want[r.ID] = i
			sources[r.Source] = true
		}
	}
	if len(want) == 0 {
		return nil
	}
	in.Cache = nil
	all := in.Documents
	if docs, ok := onlyPipelines(in.Documents, sources); ok {
		in.Documents = docs
		fill(in, res, want)
	}
	if len(want) > 0 {
		in.Documents = all
		fill(in, res, want)
	}
	for id := range want {
		return fmt.Errorf("compile: %s does not compile again to the spec of hash %.12s it was planned with", id, res[want[id]].Hash)
	}
	return nil
}

// fill compiles in and sets the spec of each resource want names that
// comes out with the same hash, removing it from want.
func fill(in Input, res []sluice.Resource, want map[sluice.ResourceID]int) {
	out, _ := Compile(in)
	for _, r := range out {
		if i, ok := want[r.ID]; ok && r.Hash == res[i].Hash {
			res[i].Spec, res[i].Tags = r.Spec, r.Tags
			delete(want, r.ID)
		}
	}
}

// onlyPipelines returns docs without the pipelines sources does not name,
// and false when sources names a document that is not a pipeline (its
// resources may depend on every pipeline: the run events' rule).
func onlyPipelines(docs []*dsl.Document, sources map[string]bool) ([]*dsl.Document, bool) {
	names := make(map[string]bool, len(sources))
	for id := range sources {
		name, ok := strings.CutPrefix(id, dsl.KindPipeline+"/")
		if !ok {
			return nil, false
		}
		names[name] = true
	}
	var out []*dsl.Document
	found := map[string]bool{}
	for _, d := range docs {
		switch {
		case d == nil:
		case d.Kind != dsl.KindPipeline:
			out = append(out, d)
		case names[d.Name] && !found[d.Name]:
			out = append(out, d)
			found[d.Name] = true
		}
	}
	return out, len(found) == len(names)
}
