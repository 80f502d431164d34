package project

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Memory is a Source over files held in memory. Each file's hash is
// computed once, when it is set, the way a Git tree hands out blob hashes:
// listing an unchanged repository reads and hashes nothing.
type Memory struct {
	files map[string]memFile
}

type memFile struct {
	data []byte
	hash string
}

// NewMemory returns a Source holding files, keyed by slash-separated path
// relative to the repository root.
func NewMemory(files map[string][]byte) *Memory {
	m := &Memory{files: make(map[string]memFile, len(files))}
	for p, data := range files {
		m.Set(p, data)
	}
	return m
}

// Set adds or replaces a file.
func (m *Memory) Set(path string, data []byte) {
	m.files[path] = memFile{data: data, hash: contentHash(data)}
}

// Delete removes a file.
func (m *Memory) Delete(path string) { delete(m.files, path) }

// Read returns the content of the file name.
func (m *Memory) Read(_ context.Context, name string) ([]byte, error) {
	f, ok := m.files[name]
	if !ok {
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	return f.data, nil
}

// List returns the YAML files under dir, skipping hidden files and
// folders, sorted by path.
func (m *Memory) List(_ context.Context, dir string) ([]Entry, error) {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	if dir == "" || dir == "." {
		prefix = ""
	}
	var out []Entry
	for p, f := range m.files {
		if !strings.HasPrefix(p, prefix) || !isYAML(p) || hidden(p[len(prefix):]) {
			continue
		}
		data := f.data
		out = append(out, Entry{Path: p, Hash: f.hash, Size: int64(len(data)), Read: func() ([]byte, error) { return data, nil }})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func hidden(rel string) bool {
	for _, seg := range strings.Split(rel, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}
