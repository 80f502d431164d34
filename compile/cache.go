package compile

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// Cache remembers what each pipeline compiled to, so compiling a
// repository in which one pipeline changed redoes that one pipeline.
//
// An entry is keyed by the pipeline's document (documents are immutable,
// and a loader hands out the same *dsl.Document for an unchanged file),
// the environment and the revision (only its length, in a hash cache),
// and is valid only while the project file and every artifact store and
// compute environment are the same documents as when it was made: a
// pipeline's output depends on those, and on nothing else. A Cache is safe for concurrent use; entries not
// used by the latest compilation are dropped by it.
//
// A Cache made by NewHashCache keeps no specs: every resource of a
// compilation through it comes out without its Spec and its Tags (nil),
// everything else (hash, names, dependencies) as without it. That is what
// a plan needs to find what changed; FillSpecs compiles again the specs
// and tags of the resources a change needs. Between compilations it keeps no copy of its
// own: its entries point at the resources of the last output, which the
// caller keeps (a spec filled in there is kept until the caller drops
// it, and is never let out again).
type Cache struct {
	mu      sync.Mutex
	noSpecs bool
	// release is ReleaseDocuments' setting, before BeforeRelease's.
	release bool
	before  func(*dsl.Document)
	context string
	entries map[cacheKey]cacheEntry
	used    map[cacheKey]cacheEntry
}

type cacheKey struct {
	doc      *dsl.Document
	env      string
	revision string
}

type cacheEntry struct {
	out   []sluice.Resource
	diags sluice.Diagnostics
	// at stands for out in a hash cache once the compilation that made
	// or used the entry returned: the pipeline's resources in that
	// compilation's output, which its caller (a daemon's desired set)
	// holds anyway, instead of a copy of their own.
	at []*sluice.Resource
}

// len returns how many resources the entry has.
func (e cacheEntry) len() int { return len(e.out) + len(e.at) }

// typ returns the type of the entry's k-th resource.
func (e cacheEntry) typ(k int) sluice.ResourceType {
	if e.at == nil {
		return e.out[k].Type
	}
	return e.at[k].Type
}

// resource returns the entry's k-th resource as a compilation's output
// has it: out's, or a copy of what at points to without its spec and
// tags (specs filled in there are never let out again).
func (e cacheEntry) resource(k int) sluice.Resource {
	if e.at == nil {
		return e.out[k]
	}
	r := *e.at[k]
	r.Spec, r.Tags = nil, nil
	return r
}

// NewCache returns an empty Cache that keeps full resources.
func NewCache() *Cache {
	return &Cache{entries: map[cacheKey]cacheEntry{}, used: map[cacheKey]cacheEntry{}}
}

// NewHashCache returns an empty Cache that keeps, and lets out, resources
// without their specs and tags (see Cache): a daemon keeps each
// environment's output between reconciles in a fraction of the memory.
func NewHashCache() *Cache {
	c := NewCache()
	c.noSpecs = true
	return c
}

// ReleaseDocuments sets whether the compilations through c release each
// pipeline document's content (dsl.Document.Release) once its output is
// compiled or found in the cache, as Input.Release does: for a caller
// whose peak should hold the pipelines being compiled and the output,
// not every pipeline's plain values and typed specs as well (a daemon's
// environments each compile this way). A released document reads its
// source again when its content is next asked for.
func (c *Cache) ReleaseDocuments(release bool) {
	c.mu.Lock()
	c.release = release
	c.mu.Unlock()
}

// BeforeRelease sets what a compilation through c does with each
// pipeline document just before it releases it (see ReleaseDocuments),
// its content in memory: a daemon draws the pipeline's step graph there
// instead of reading it again for that. nil does nothing. It may be
// called from several goroutines at once.
func (c *Cache) BeforeRelease(fn func(*dsl.Document)) {
	c.mu.Lock()
	c.before = fn
	c.mu.Unlock()
}

// releasing reports ReleaseDocuments' setting, and BeforeRelease's;
// false for no cache.
func (c *Cache) releasing() (bool, func(*dsl.Document)) {
	if c == nil {
		return false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.release, c.before
}

// withoutSpecs reports whether a compilation through c leaves specs out.
func (c *Cache) withoutSpecs() bool { return c != nil && c.noSpecs }

// Len returns the number of pipelines whose output c holds, and the
// number of resources and of spec bytes in them: what a daemon keeps
// between reconciles (the guard test of what it retains reads it).
func (c *Cache) Len() (pipelines, resources, specBytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		pipelines++
		resources += len(e.out) + len(e.at)
		for _, r := range e.out {
			specBytes += len(r.Spec)
		}
		for _, r := range e.at {
			specBytes += len(r.Spec)
		}
	}
	return pipelines, resources, specBytes
}

// begin starts a compilation whose pipelines depend on context; a
// different context empties the cache.
func (c *Cache) begin(context string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.context != context {
		c.context, c.entries = context, map[cacheKey]cacheEntry{}
	}
	c.used = make(map[cacheKey]cacheEntry, len(c.entries))
}

// end forgets the entries the compilation did not use.
func (c *Cache) end() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries, c.used = c.used, nil
}

func (c *Cache) get(k cacheKey) (cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if ok {
		c.used[k] = e
	}
	return e, ok
}

// share points the hash cache's entries of pipelines (results, in the
// same order) at their resources in out, the compilation's output, sorted
// by ID: at places[j], where mergeByID put them, or found by ID when
// places is nil. An entry whose resources are not all found there keeps
// its own copy.
func (c *Cache) share(pipelines []*dsl.Document, env, revision string, results []cacheEntry, out []sluice.Resource, places [][]int32) {
	if !c.withoutSpecs() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for j, d := range pipelines {
		k := cacheKey{doc: d, env: env, revision: revision}
		e, ok := c.used[k]
		if !ok {
			continue
		}
		n := results[j].len()
		at := make([]*sluice.Resource, 0, n)
		for i := range n {
			if places != nil {
				at = append(at, &out[places[j][i]])
			} else if p := findResource(out, results[j].resource(i)); p != nil {
				at = append(at, p)
			}
		}
		if len(at) == n {
			e.out, e.at = nil, at
			c.used[k] = e
		}
	}
}

// findResource returns the resource of out (sorted by ID) that is r: the
// same ID, document and hash; nil when there is none.
func findResource(out []sluice.Resource, r sluice.Resource) *sluice.Resource {
	i, _ := slices.BinarySearchFunc(out, r.ID, func(x sluice.Resource, id sluice.ResourceID) int { return strings.Compare(string(x.ID), string(id)) })
	for ; i < len(out) && out[i].ID == r.ID; i++ {
		if out[i].Source == r.Source && out[i].Hash == r.Hash {
			return &out[i]
		}
	}
	return nil
}

func (c *Cache) put(k cacheKey, e cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[k], c.used[k] = e, e
}

// cacheRevision is what of the revision a pipeline's cached output
// depends on: all of it in a cache that keeps specs, which carry it; in a
// hash cache only its length, which the sizes checked against AWS's limits
// count (hashes leave the revision out). So a daemon's next commit
// compiles again only the pipelines it changed.
func (c *compiler) cacheRevision() string {
	if c.in.Cache.withoutSpecs() {
		return strconv.Itoa(len(c.revisionJSON()))
	}
	return c.in.Revision
}

// cacheContext identifies the documents every pipeline's output depends
// on: the project and the stores and compute environments, by identity.
func (c *compiler) cacheContext() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%p", c.in.Project)
	for _, kind := range []string{dsl.KindArtifactStore, dsl.KindComputeEnvironment, dsl.KindMetadataStore} {
		for _, name := range sortedKeys(c.docs[kind]) {
			fmt.Fprintf(&b, ",%s/%s=%p", kind, name, c.docs[kind][name])
		}
	}
	return b.String()
}

// cachedPipeline compiles d, or takes its output from the cache, and
// returns the pipeline's resources and findings.
func (c *compiler) cachedPipeline(d *dsl.Document) cacheEntry {
	if release, before := c.in.Cache.releasing(); release {
		defer func() {
			if before != nil {
				before(d)
			}
			d.Release()
		}()
	}
	key := cacheKey{doc: d, env: c.in.Env, revision: c.cacheRevision()}
	if c.in.Cache != nil {
		if e, ok := c.in.Cache.get(key); ok {
			return e
		}
	}
	c.out, c.diags = c.out[:0], c.diags[:0]
	c.pipeline(d)
	// Locating a finding (or a switch key's YAML type) parses the file
	// again when the loader has released its tree; let it go again, so
	// that what a cache or a daemon keeps never holds node trees.
	d.ReleaseTree()
	// Sorted here, once per pipeline, so the union is usually in order
	// already and sortByID has only to check it.
	e := cacheEntry{out: sortByID(slices.Clone(c.out)), diags: slices.Clone(c.diags)}
	if c.in.Cache != nil {
		c.in.Cache.put(key, e)
	}
	return e
}
