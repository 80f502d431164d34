package project

import (
	"os"
	"sync"
	"time"
)

// statCache remembers, per path, the size and modification time a file had
// when its content hash was computed, as Git's index does.
type statCache struct {
	mu      sync.Mutex
	entries map[string]statEntry
}

type statEntry struct {
	size  int64
	mtime time.Time
	hash  string
}

func newStatCache() *statCache { return &statCache{entries: make(map[string]statEntry)} }

// lookup returns the remembered hash when size and modification time are
// unchanged, else "". A file modified within the last two seconds is
// always re-read: its timestamp may not yet tell a second write apart.
func (c *statCache) lookup(path string, st os.FileInfo) string {
	if c == nil {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[path]
	if !ok || e.size != st.Size() || !e.mtime.Equal(st.ModTime()) || time.Since(st.ModTime()) < 2*time.Second {
		return ""
	}
	return e.hash
}

func (c *statCache) store(path string, st os.FileInfo, hash string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[path] = statEntry{size: st.Size(), mtime: st.ModTime(), hash: hash}
}
