package project

import (
	"sync"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// fileResult is what one file yields: its documents and findings. It is
// never modified once made, so the cache can hand it to every Snapshot.
type fileResult struct {
	docs   []*dsl.Document
	diags  sluice.Diagnostics
	broken bool
	// refs are the references of the file's pipelines, for crossCheck.
	refs []docRefs
}

// docRefs are the references of one pipeline document.
type docRefs struct {
	doc  *dsl.Document
	refs []pipelineRefs
}

// resultCache maps (path, content hash) to the file's result, for one
// project file content: a change to the project file (environments,
// defaults) can change any file's findings, so it empties the cache.
type resultCache struct {
	mu      sync.Mutex
	project string
	results map[string]fileResult
	used    map[string]fileResult
}

func newResultCache() *resultCache {
	return &resultCache{results: make(map[string]fileResult), used: make(map[string]fileResult)}
}

// sweep forgets every result the last load did not use, so a long-running
// daemon keeps only the results of the files it currently reads.
func (c *resultCache) sweep() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.results, c.used = c.used, make(map[string]fileResult, len(c.used)+len(c.used)/8)
}

func (c *resultCache) resetUnless(projectHash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.project != projectHash {
		c.project = projectHash
		c.results = make(map[string]fileResult)
	}
}

func (c *resultCache) get(path, hash string) (fileResult, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := path + "\x00" + hash
	r, ok := c.results[key]
	if ok {
		c.used[key] = r
	}
	return r, ok
}

func (c *resultCache) put(path, hash string, r fileResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.results[path+"\x00"+hash] = r
	c.used[path+"\x00"+hash] = r
}
