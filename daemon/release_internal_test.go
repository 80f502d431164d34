package daemon

import (
	"context"
	"fmt"
	"testing"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/project"
)

// The pipelines of the snapshots a wave of environments compiled are
// released once none of them is compiling, not before: an environment
// still compiling reads them; what a plan read again is released when
// it ends, unless an environment is compiling. Drawings of documents no
// snapshot holds any more are forgotten.
func TestPipelinesReleasedWhenNoEnvironmentCompiles(t *testing.T) {
	snapshot := func(name string) *project.Snapshot {
		src := fmt.Sprintf("apiVersion: %s\nkind: Pipeline\nmetadata: {name: %s}\nspec: {steps: [{name: a}]}\n", dsl.APIVersion, name)
		f, ds := dsl.ParseFile(name+".yaml", []byte(src), dsl.DefaultLimits())
		if len(ds) > 0 {
			t.Fatal(ds)
		}
		return &project.Snapshot{Documents: f.Documents}
	}
	inMemory := func(s *project.Snapshot) bool { return s.Documents[0].InMemory() }
	r := &repoWatcher{}
	a, b := snapshot("a"), snapshot("b")
	old := snapshot("old")
	r.drawings = map[drawingKey]string{{doc: old.Documents[0]}: "graph", {doc: a.Documents[0]}: "graph"}

	ta, tb := r.begin(), r.begin()
	r.compiled(ta, a)
	if !inMemory(a) {
		t.Fatal("released while another environment compiles")
	}
	r.idle(a) // a's plan ended
	if !inMemory(a) {
		t.Fatal("released after a plan while another environment compiles")
	}
	r.compiled(tb, b)
	if inMemory(a) || inMemory(b) {
		t.Fatal("not released once no environment compiles")
	}
	if _, ok := r.drawings[drawingKey{doc: old.Documents[0]}]; ok || len(r.drawings) != 1 {
		t.Fatalf("drawings kept: %v", r.drawings)
	}

	b.Documents[0].Value() // a plan compiled b's specs again
	if !inMemory(b) {
		t.Fatal("not read again")
	}
	r.idle(b)
	if inMemory(b) {
		t.Fatal("what a plan read is kept after it ended")
	}
}

// Environments share a pipeline's drawing where it merges to the same
// spec, and one that overrides it gets its own.
func TestDrawingsSharedByEnvironments(t *testing.T) {
	src := "apiVersion: " + dsl.APIVersion + `
kind: Pipeline
metadata: {name: p}
spec:
  steps: [{name: a, next: b}, {name: b}]
environments:
  prod:
    steps: [{name: b, next: c}, {name: c}]
`
	f, ds := dsl.ParseFile("p.yaml", []byte(src), dsl.DefaultLimits())
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	doc := f.Documents[0]
	r := &repoWatcher{}
	dev, staging, prod := r.drawing(doc, "dev"), r.drawing(doc, "staging"), r.drawing(doc, "prod")
	if dev == "" || dev != mermaidOf(doc, "dev") || prod != mermaidOf(doc, "prod") || dev == prod {
		t.Fatalf("drawings: dev %q, prod %q", dev, prod)
	}
	if staging != dev || len(r.drawings) != 2 {
		t.Fatalf("staging drawn apart from dev, or %d drawings kept", len(r.drawings))
	}
}

// A plan waits until no environment of the repository loads or
// compiles (not for another's fetch), and no longer than its context.
func TestAwaitCompiled(t *testing.T) {
	r := &repoWatcher{}
	if !r.awaitCompiled(t.Context()) {
		t.Fatal("waited with no environment compiling")
	}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	a, b := r.begin(), r.begin()
	r.loading(a)
	if r.awaitCompiled(cancelled) {
		t.Fatal("reported the compilations ended while one runs")
	}
	r.compiled(a, nil)
	if !r.awaitCompiled(cancelled) {
		t.Fatal("waited for an environment that has not begun to load (a fetch)")
	}

	r.loading(b)
	r.loading(b) // counted once
	done := make(chan bool, 1)
	go func() { done <- r.awaitCompiled(t.Context()) }()
	if r.awaitCompiled(cancelled) {
		t.Fatal("reported the compilations ended while one runs")
	}
	r.doneCompiling(b)
	if !<-done {
		t.Fatal("gave up although the compilations ended")
	}
	r.compiled(b, nil)
	if r.active != 0 || r.compiling != 0 {
		t.Fatalf("active %d, compiling %d after every reconcile ended", r.active, r.compiling)
	}

	c := r.begin()
	r.loading(c)
	ctx, cancel2 := context.WithCancel(t.Context())
	go func() { done <- r.awaitCompiled(ctx) }()
	cancel2()
	if <-done {
		t.Fatal("reported the compilations ended after its context did")
	}
}
