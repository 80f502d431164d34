package daemon

import (
	"github.com/sluice-dev/sluice/dsl"
)

// drawingKey names one pipeline's step graph as merged for an
// environment: env is "" for the document as written, which every
// environment it does not override shares.
type drawingKey struct {
	doc *dsl.Document
	env string
}

// drawing returns the Mermaid graph of doc in env, drawn once for all the
// repository's environments in which doc merges to the same spec: the
// environments of a repository keep one copy of each drawing in their
// statuses, not one each.
func (r *repoWatcher) drawing(doc *dsl.Document, env string) string {
	key := drawingKey{doc: doc}
	if doc.HasOverride(env) {
		key.env = env
	}
	r.mu.Lock()
	m, ok := r.drawings[key]
	r.mu.Unlock()
	if ok {
		return m
	}
	m = mermaidOf(doc, env)
	r.mu.Lock()
	if r.drawings == nil {
		r.drawings = map[drawingKey]string{}
	}
	r.drawings[key] = m
	r.mu.Unlock()
	return m
}

// keepDrawings forgets the drawings of documents none of the snapshots
// holds; r.mu held.
func (r *repoWatcher) keepDrawings(docs map[*dsl.Document]bool) {
	for k := range r.drawings {
		if !docs[k.doc] {
			delete(r.drawings, k)
		}
	}
}
