package dsl

import (
	"reflect"
	"sync"
	"testing"
)

// After Release, a document reads as it did: its values, merged forms,
// typed specs per environment, overrides and positions, also when asked
// from several goroutines at once and when released again meanwhile.
func TestContentAfterRelease(t *testing.T) {
	data := []byte(`apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: p}
spec:
  image: base:1
  steps:
    - &one
      name: one
      command: [echo, hi]
      next: two
    - name: two
      command: [echo, there]
      memory: 2Gi
environments:
  prod:
    image: base:2
    steps:
      - name: two
        memory: 8Gi
  staging: not-a-mapping
`)
	f, ds := ParseFile("p.yaml", data, DefaultLimits())
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	d := f.Documents[0]
	type view struct {
		value             map[string]any
		merged, overrides any
		spec, prodSpec    *PipelineSpec
		envs              []string
		pos               string
		hasProd, hasStag  bool
	}
	look := func() view {
		spec, err := d.PipelineSpec("dev")
		if err != nil {
			t.Error(err)
		}
		prod, err := d.PipelineSpec("prod")
		if err != nil {
			t.Error(err)
		}
		return view{value: d.Value(), merged: d.Merged("prod"), overrides: d.Overrides(), spec: spec, prodSpec: prod,
			envs: d.OverrideEnvs(), pos: d.LocateIn("prod", false, "spec", "steps", "1", "memory").String(),
			hasProd: d.HasOverride("prod"), hasStag: d.HasOverride("staging")}
	}
	want := look()
	if !want.hasProd || want.hasStag || want.prodSpec.Image != "base:2" || want.spec.Image != "base:1" {
		t.Fatalf("before release: %+v", want)
	}
	d.Release()
	if d.content.Load() != nil || d.node.Load() != nil {
		t.Fatal("the content was kept")
	}
	var wg sync.WaitGroup
	got := make([]view, 6)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 1 {
				d.Release()
			}
			got[i] = look()
		}()
	}
	wg.Wait()
	for i, g := range got {
		if !reflect.DeepEqual(g, want) {
			t.Errorf("reader %d after release: %+v, want %+v", i, g, want)
		}
	}
}

// A document whose spec was replaced in memory keeps it: Release cannot
// read it again from the source.
func TestReleaseKeepsSetSpec(t *testing.T) {
	f, ds := ParseFile("p.yaml", []byte("apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata: {name: p}\nspec: {image: a}\n"), DefaultLimits())
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	d := f.Documents[0]
	d.SetSpec(map[string]any{"image": "b"})
	d.Release()
	if got := d.Spec()["image"]; got != "b" {
		t.Fatalf("spec after release: image %v, want b", got)
	}
}
